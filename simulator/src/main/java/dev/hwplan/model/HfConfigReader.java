package dev.hwplan.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelSpec}. Each family is read with the
 * keys and defaults of its transformers configuration class (or its original remote code); an
 * unknown {@code model_type} is bad input that names it.
 */
public final class HfConfigReader {
  /** The model types this reader understands. */
  public static final List<String> SUPPORTED =
      List.of(
          "llama",
          "mistral",
          "mixtral",
          "qwen2",
          "gemma2",
          "falcon",
          "RefinedWebModel",
          "RefinedWeb",
          "gpt2",
          "phi",
          "phi-msft",
          "deepseek_v2",
          "deepseek_v3",
          "qwen3",
          "qwen3_moe",
          "gemma3",
          "gemma3_text",
          "gpt_oss");

  private HfConfigReader() {}

  /** Reads a config file. */
  public static ModelSpec read(Path file) {
    JsonNode root = StrictMapper.readJsonTree(file);
    String name = file.getFileName().toString();
    String id =
        name.equals("config.json") && file.getParent() != null
            ? file.getParent().getFileName().toString()
            : name.replaceFirst("\\.json$", "");
    return read(root, id, file.toString());
  }

  /** Reads a parsed config; {@code source} names it in messages. */
  public static ModelSpec read(JsonNode root, String id, String source) {
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(source, "", "a config.json must be a JSON object");
    }
    Config c = new Config(root, source);
    String type = c.str("model_type");
    if (type == null) {
      throw new InvalidInputException(source, "model_type", "missing required field");
    }
    ModelSpec spec =
        switch (type) {
          case "llama", "mistral", "mixtral", "qwen2" -> Families.llamaLike(c, id, type);
          case "gemma2" -> Families.gemma2(c, id);
          case "falcon", "RefinedWebModel", "RefinedWeb" -> Families.falcon(c, id, type);
          case "gpt2" -> Families.gpt2(c, id);
          case "phi", "phi-msft" -> Families.phi(c, id, type);
          case "deepseek_v2", "deepseek_v3" -> Families.deepseek(c, id, type);
          case "qwen3", "qwen3_moe" -> RecentFamilies.qwen3(c, id, type);
          case "gemma3", "gemma3_text" -> RecentFamilies.gemma3(c, id, type);
          case "gpt_oss" -> RecentFamilies.gptOss(c, id);
          default ->
              throw new InvalidInputException(
                  source,
                  "model_type",
                  "unsupported model_type '"
                      + type
                      + "' (supported: "
                      + String.join(", ", SUPPORTED)
                      + ")");
        };
    checkSize(spec, source);
    return spec;
  }

  /**
   * The bf16 weights must fit in 2^63 bytes: a model beyond that is beyond what any machine holds,
   * and its counts would not fit the 64-bit integers they are kept in.
   */
  private static void checkSize(ModelSpec m, String source) {
    long total;
    try {
      total = ParameterCounter.count(m).total();
    } catch (ArithmeticException e) {
      total = Long.MAX_VALUE;
    }
    if (total > Long.MAX_VALUE / 2) {
      throw new InvalidInputException(
          source,
          "",
          "hidden_size "
              + m.hiddenSize()
              + ", num_hidden_layers "
              + m.numHiddenLayers()
              + ", intermediate_size "
              + m.intermediateSize()
              + ", vocab_size "
              + m.vocabSize()
              + (m.moe() == null ? "" : ", " + m.moe().nRoutedExperts() + " experts")
              + " give more than 2^62 parameters (8 EiB in bf16), beyond what any machine holds");
    }
  }

  /** Typed access to config keys, with messages that name the file and key. */
  static final class Config {
    final JsonNode root;
    final String source;

    /** What messages put before a key: "" at the top level, "text_config." inside it. */
    final String prefix;

    Config(JsonNode root, String source) {
      this(root, source, "");
    }

    Config(JsonNode root, String source, String prefix) {
      this.root = root;
      this.source = source;
      this.prefix = prefix;
    }

    /** The key as messages name it. */
    String name(String key) {
      return prefix + key;
    }

    /** The object under {@code key}, read with its own defaults (a multimodal text_config). */
    Config nested(String key) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        throw new InvalidInputException(source, name(key), "missing required field");
      }
      if (!n.isObject()) {
        throw new InvalidInputException(source, name(key), "must be an object, got " + n);
      }
      return new Config(n, source, prefix + key + ".");
    }

    boolean has(String key) {
      JsonNode n = root.get(key);
      return n != null && !n.isNull();
    }

    String str(String key) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isTextual()) {
        throw new InvalidInputException(source, name(key), "must be a string");
      }
      return n.asText();
    }

    Integer optInt(String key) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
        throw new InvalidInputException(source, name(key), "must be an integer, got " + n);
      }
      long v = n.asLong();
      if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
        throw new InvalidInputException(source, name(key), "is out of range: " + v);
      }
      return (int) v;
    }

    int reqInt(String... keys) {
      return required(first(this::optInt, keys), keys);
    }

    /**
     * A required size: a positive integer no larger than {@link ArchitectureLimits#of} its key; the
     * first of {@code keys} present is read.
     */
    int size(String... keys) {
      return required(first(this::optSize, keys), keys);
    }

    private int required(Integer v, String[] keys) {
      if (v == null) {
        throw new InvalidInputException(source, name(keys[0]), "missing required field");
      }
      return v;
    }

    /** An optional size, as {@link #size}. */
    Integer optSize(String key) {
      Integer v = optInt(key);
      if (v != null) {
        ArchitectureLimits.check(source, key, name(key), v, 1);
      }
      return v;
    }

    /** A size with a default, as {@link #size}. */
    int sizeOr(int dflt, String... keys) {
      Integer v = first(this::optSize, keys);
      return v == null ? dflt : v;
    }

    /** An optional count that may be zero (shared experts, leading dense layers). */
    int countOr(int dflt, String key) {
      Integer v = optInt(key);
      if (v == null) {
        return dflt;
      }
      ArchitectureLimits.check(source, key, name(key), v, 0);
      return v;
    }

    /** A number, or null when absent; bad input when not a finite number. */
    Double optNumber(JsonNode node, String key, String path) {
      JsonNode n = node.get(key);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
        throw new InvalidInputException(source, prefix + path, "must be a number, got " + n);
      }
      return n.asDouble();
    }

    int intOr(int dflt, String... keys) {
      Integer v = first(this::optInt, keys);
      return v == null ? dflt : v;
    }

    /** The value of the first of {@code keys} that {@code read} finds, or null. */
    private static Integer first(Function<String, Integer> read, String[] keys) {
      for (String k : keys) {
        Integer v = read.apply(k);
        if (v != null) {
          return v;
        }
      }
      return null;
    }

    boolean bool(String key, boolean dflt) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isBoolean()) {
        throw new InvalidInputException(source, name(key), "must be true or false, got " + n);
      }
      return n.asBoolean();
    }
  }

  static List<LayerSpec> uniformLayers(int n, Integer window, MoeSpec moe) {
    List<LayerSpec> layers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      layers.add(new LayerSpec(i, window, moe != null && moe.isMoeLayer(i)));
    }
    return layers;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
