package dev.hwplan.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.io.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A scenario: a YAML file that describes one or more studies, each a section of the report.
 *
 * <pre>
 * title: Serving Llama-3.1-70B on H100
 * description: A paragraph under the title.
 * studies:
 *   - kind: memory
 *     id: fit-70b
 *     title: What fits on one GPU
 *     model: llama-3.1-70b
 *     gpu: [h100-sxm, h200-sxm]      # a list sweeps
 *     tp: {from: 1, to: 8, times: 2}  # so does a range
 * </pre>
 *
 * @param name the file name, used in messages
 * @param title the report title
 * @param description a paragraph under the title, or empty
 * @param studies the studies, in order
 * @param text the file's text, from which another JVM rebuilds the scenario (a sweep on Spark)
 */
public record Scenario(
    String name, String title, String description, List<StudySpec> studies, String text) {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** The scenarios bundled in the jar (also in {@code scenarios/} at the top of the repository). */
  public static final List<String> BUNDLED =
      List.of(
          "default.yaml",
          "capacity-llama70b-h100.yaml",
          "mla-vs-gqa-memory.yaml",
          "chinchilla-budget.yaml",
          "regression-ci.yaml");

  /** Reads a scenario file; relative paths inside it are resolved from its folder. */
  public static Scenario load(Path file) {
    String text = dev.hwplan.io.TextFiles.read(file);
    Path dir = file.toAbsolutePath().getParent();
    return parse(file.toString(), text, dir);
  }

  /** A bundled scenario by file name, e.g. {@code default.yaml}. */
  public static Scenario bundled(String name) {
    try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/" + name)) {
      if (in == null) {
        throw InvalidInputException.option(
            "scenario", "no bundled scenario '" + name + "' (bundled: " + BUNDLED + ")");
      }
      return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The raw text of a bundled scenario. */
  public static String bundledText(String name) {
    try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing bundled scenario " + name, e);
    }
  }

  /** Parses scenario text that came from {@code name}; {@code baseDir} may be null. */
  public static Scenario parse(String name, String text, Path baseDir) {
    YamlDoc doc = YamlDoc.parse(name, text);
    JsonNode root = doc.root();
    if (!root.isObject()) {
      throw doc.error("", "a scenario is a map with 'title' and 'studies'");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("title", "description", "studies").contains(f)) {
        throw doc.error("/" + f, "unknown field '" + f + "' (known: title, description, studies)");
      }
    }
    String title = text(doc, root, "", "title", null);
    String description = text(doc, root, "", "description", "");
    JsonNode studies = root.get("studies");
    if (studies == null || !studies.isArray() || studies.isEmpty()) {
      throw doc.error("/studies", "'studies' must be a non-empty list");
    }
    List<StudySpec> specs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < studies.size(); i++) {
      String ptr = "/studies/" + i;
      JsonNode s = studies.get(i);
      if (!s.isObject()) {
        throw doc.error(ptr, "a study is a map with at least 'kind'");
      }
      String kindText = text(doc, s, ptr, "kind", null);
      StudyKind kind = StudyKind.parse(kindText);
      if (kind == null) {
        throw doc.error(
            ptr + "/kind",
            "unknown study kind '" + kindText + "' (known: " + StudyKind.names() + ")");
      }
      String id = text(doc, s, ptr, "id", kind.key() + "-" + (i + 1));
      if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw doc.error(ptr + "/id", "'" + id + "' must be letters, digits, '.', '_' or '-'");
      }
      if (!ids.add(id.toLowerCase(Locale.ROOT))) {
        throw doc.error(ptr + "/id", "'" + id + "' is used by an earlier study");
      }
      String studyTitle = text(doc, s, ptr, "title", kind.defaultTitle());
      String body = text(doc, s, ptr, "text", "");
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      s.fields()
          .forEachRemaining(
              e -> {
                if (!Set.of("kind", "id", "title", "text").contains(e.getKey())) {
                  fields.put(e.getKey(), e.getValue());
                }
              });
      specs.add(new StudySpec(doc, ptr, kind, id, studyTitle, body, fields, baseDir));
    }
    return new Scenario(name, title, description, List.copyOf(specs), text);
  }

  private static String text(YamlDoc doc, JsonNode node, String ptr, String field, String dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        throw doc.error(ptr + "/" + field, "'" + field + "' is required");
      }
      return dflt;
    }
    if (!v.isValueNode()) {
      throw doc.error(ptr + "/" + field, "'" + field + "' must be text");
    }
    return v.asText();
  }
}
