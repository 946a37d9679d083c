package dev.hwplan.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads YAML and JSON into typed values, strictly: unknown fields, wrong types and syntax errors
 * become one {@link InvalidInputException} that names the file, the field path and the line.
 */
public final class StrictMapper {
  private StrictMapper() {}

  /** Built on first use: a command that reads only JSON never loads the YAML parser. */
  private static final class Yaml {
    static final ObjectMapper MAPPER = configure(YAMLMapper.builder(new YAMLFactory()).build());

    private Yaml() {}
  }

  /** Built on first use. */
  private static final class Json {
    static final ObjectMapper MAPPER = configure(JsonMapper.builder().build());

    private Json() {}
  }

  private static ObjectMapper configure(ObjectMapper m) {
    return m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }

  /** The shared YAML mapper, for writing. */
  public static ObjectMapper yaml() {
    return Yaml.MAPPER;
  }

  /** The shared JSON mapper, for writing. */
  public static ObjectMapper json() {
    return Json.MAPPER;
  }

  /**
   * {@code value} as the files hwplan writes hold JSON: this mapper's output, indented, with a line
   * break at the end.
   */
  public static String indentedJson(Object value) throws JsonProcessingException {
    return Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value)
        + "\n";
  }

  /** Reads a YAML (or JSON, which is YAML) file into {@code type}. */
  public static <T> T readYaml(Path file, Class<T> type) {
    return read(Yaml.MAPPER, file, type);
  }

  /** Reads a JSON file into {@code type}. */
  public static <T> T readJson(Path file, Class<T> type) {
    return read(Json.MAPPER, file, type);
  }

  /** Reads a JSON file as a tree. */
  public static JsonNode readJsonTree(Path file) {
    return read(Json.MAPPER, file, JsonNode.class);
  }

  /** Reads YAML from a stream (a bundled resource) named {@code sourceName} in messages. */
  public static <T> T readYaml(InputStream in, String sourceName, Class<T> type) {
    try (in) {
      return readStream(Yaml.MAPPER, in, sourceName, type);
    } catch (IOException e) {
      throw new InvalidInputException(sourceName, "", "cannot be read: " + e.getMessage());
    }
  }

  /** Reads JSON from a stream (a bundled resource) named {@code sourceName} in messages. */
  public static <T> T readJson(InputStream in, String sourceName, Class<T> type) {
    try (in) {
      return readStream(Json.MAPPER, in, sourceName, type);
    } catch (IOException e) {
      throw new InvalidInputException(sourceName, "", "cannot be read: " + e.getMessage());
    }
  }

  private static <T> T read(ObjectMapper mapper, Path file, Class<T> type) {
    String name = file.toString();
    // UTF-8 only, checked before the parser sees it: Jackson would guess UTF-16 from a byte-order
    // mark, and its decoding errors carry exception names into the message.
    String text = TextFiles.read(file);
    if (text.isBlank()) {
      throw new InvalidInputException(name, "", "the file is empty");
    }
    try {
      return nonEmpty(mapper.readValue(text, type), name);
    } catch (JsonProcessingException e) {
      throw translate(name, e, mapper == json() ? "JSON" : "YAML");
    }
  }

  private static <T> T readStream(ObjectMapper mapper, InputStream in, String name, Class<T> type)
      throws IOException {
    try {
      return nonEmpty(mapper.readValue(in, type), name);
    } catch (JsonProcessingException e) {
      throw translate(name, e);
    }
  }

  /** The value a document held; null (a document of nothing, or {@code null}) is an empty file. */
  private static <T> T nonEmpty(T value, String name) {
    if (value == null) {
      throw new InvalidInputException(name, "", "the file is empty");
    }
    return value;
  }

  /** Turns a Jackson error into one line naming the file, the field path and the line. */
  public static InvalidInputException translate(String source, JsonProcessingException e) {
    return translate(source, e, kind(source));
  }

  /**
   * As {@link #translate(String, JsonProcessingException)}, for text in {@code kind} (JSON, YAML).
   */
  private static InvalidInputException translate(
      String source, JsonProcessingException e, String kind) {
    // A validating constructor inside a record threw: keep its words and field.
    Throwable cause = e.getCause();
    while (cause != null) {
      if (cause instanceof InvalidInputException iie) {
        String field = prefix(path(e), iie.field());
        return new InvalidInputException(source, field, iie.reason() + where(e));
      }
      cause = cause.getCause();
    }
    String path = path(e);
    String reason;
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : u.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", "));
      reason = "unknown field '" + u.getPropertyName() + "'";
      if (!known.isEmpty()) {
        reason += " (known fields: " + known + ")";
      }
    } else if (e instanceof InvalidFormatException f) {
      reason =
          "cannot read '"
              + f.getValue()
              + "' as "
              + f.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    } else if (e instanceof MismatchedInputException m) {
      reason = "wrong type of value, expected " + describe(m.getTargetType());
    } else if (e instanceof JsonMappingException) {
      reason = e.getOriginalMessage();
    } else {
      reason = "malformed " + kind + ": " + e.getOriginalMessage();
    }
    // Parser messages can name the exception that a decoder threw; users need only its words.
    reason = reason.replaceAll("\\b(?:[a-z]\\w*\\.)+[A-Z]\\w*(?:Exception|Error):\\s*", "");
    return new InvalidInputException(source, path, reason + where(e));
  }

  private static String describe(Class<?> t) {
    if (t == null) {
      return "another type";
    }
    if (Number.class.isAssignableFrom(t) || (t.isPrimitive() && t != boolean.class)) {
      return "a number";
    }
    if (t == String.class || t.isEnum()) {
      return "a single value";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "a list";
    }
    return "a mapping of fields";
  }

  private static String kind(String source) {
    return source.endsWith(".json") || source.endsWith(".jsonl") ? "JSON" : "YAML";
  }

  private static String prefix(String outer, String inner) {
    if (outer.isEmpty()) {
      return inner;
    }
    if (inner.isEmpty() || outer.endsWith(inner)) {
      return outer;
    }
    return outer + "." + inner;
  }

  private static String where(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    if (loc == null || loc.getLineNr() <= 0) {
      return "";
    }
    return " (line " + loc.getLineNr() + ")";
  }

  private static String path(JsonProcessingException e) {
    if (!(e instanceof JsonMappingException m)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : m.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
