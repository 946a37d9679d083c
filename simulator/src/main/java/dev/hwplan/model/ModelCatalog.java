package dev.hwplan.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.QuickReader;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.io.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bundled models ({@code models/*.json} resources in HF config format, listed in {@code
 * models/catalog.txt}), and any {@code config.json} a user names by path. {@link #resolve} reads
 * only the model it is asked for; {@link #all} reads them all.
 */
public final class ModelCatalog {
  private static final String DIR = "/models/";
  private static volatile Map<String, ModelSpec> bundled;
  private static volatile List<String> fileIds;
  private static final Map<String, ModelSpec> ONE = new ConcurrentHashMap<>();

  private ModelCatalog() {}

  /** The ids of the bundled models, in catalog order. */
  public static List<String> ids() {
    return List.copyOf(all().keySet());
  }

  /** The bundled models by id. */
  public static Map<String, ModelSpec> all() {
    Map<String, ModelSpec> b = bundled;
    if (b == null) {
      synchronized (ModelCatalog.class) {
        b = bundled;
        if (b == null) {
          b = Collections.unmodifiableMap(load());
          bundled = b;
        }
      }
    }
    return b;
  }

  /** Whether {@code idOrPath} names a bundled model (as {@link #resolve} reads it: any case). */
  public static boolean isBundled(String idOrPath) {
    return idOrPath != null && fileIds().contains(idOrPath.toLowerCase(Locale.ROOT));
  }

  /**
   * A bundled model by id, or a config file by path (anything with a '/' or ending in .json that
   * exists). Unknown names are bad input that list the bundled ids.
   */
  public static ModelSpec resolve(String idOrPath) {
    if (idOrPath == null || idOrPath.isBlank()) {
      throw InvalidInputException.option("--model", "a model id or config.json path is required");
    }
    String id = idOrPath.toLowerCase(Locale.ROOT);
    if (fileIds().contains(id)) {
      return ONE.computeIfAbsent(id, ModelCatalog::read);
    }
    Path p;
    try {
      p = Path.of(idOrPath);
    } catch (java.nio.file.InvalidPathException e) {
      throw InvalidInputException.option("--model", "'" + idOrPath + "' is not a valid path");
    }
    if (Files.isDirectory(p) && Files.exists(p.resolve("config.json"))) {
      return HfConfigReader.read(p.resolve("config.json"));
    }
    if (Files.exists(p) || idOrPath.endsWith(".json") || idOrPath.contains("/")) {
      return HfConfigReader.read(p);
    }
    throw InvalidInputException.option(
        "--model",
        "unknown model '"
            + idOrPath
            + "' (bundled: "
            + String.join(", ", all().keySet())
            + "; or give a path to a config.json)");
  }

  /** Provenance of a bundled model (the {@code _hwplan_source} key of its file). */
  public static String provenance(String id) {
    JsonNode n = rawConfig(id).get("_hwplan_source");
    return n == null ? "" : n.asText();
  }

  /** The bundled config as a JSON tree. */
  public static JsonNode rawConfig(String id) {
    InputStream in = ModelCatalog.class.getResourceAsStream(DIR + id + ".json");
    if (in == null) {
      throw InvalidInputException.option("--model", "no bundled model '" + id + "'");
    }
    byte[] json;
    try (in) {
      json = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading bundled model " + id, e);
    }
    JsonNode quick = quickTree(json);
    return quick != null
        ? quick
        : StrictMapper.readJson(
            new java.io.ByteArrayInputStream(json), "models/" + id + ".json", JsonNode.class);
  }

  /**
   * A bundled config's tree read without an ObjectMapper ({@link QuickReader}, start-up), or null
   * where that reader declines it and the strict mapper must read it. ModelCatalogTest checks that
   * it reads every bundled file equal to the mapper.
   */
  static JsonNode quickTree(byte[] json) {
    try {
      return QuickReader.jsonTree(json);
    } catch (QuickReader.Unsupported e) {
      return null;
    }
  }

  private static Map<String, ModelSpec> load() {
    Map<String, ModelSpec> out = new LinkedHashMap<>();
    for (String id : fileIds()) {
      out.put(id, ONE.computeIfAbsent(id, ModelCatalog::read));
    }
    return out;
  }

  private static ModelSpec read(String id) {
    return HfConfigReader.read(rawConfig(id), id, "models/" + id + ".json");
  }

  /** The ids that {@code models/catalog.txt} lists (read once). */
  private static List<String> fileIds() {
    List<String> ids = fileIds;
    if (ids == null) {
      ids = List.copyOf(readFileIds());
      fileIds = ids;
    }
    return ids;
  }

  private static List<String> readFileIds() {
    InputStream in = ModelCatalog.class.getResourceAsStream(DIR + "catalog.txt");
    if (in == null) {
      throw new IllegalStateException("models/catalog.txt missing from the jar");
    }
    try {
      return TextFiles.listed(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
