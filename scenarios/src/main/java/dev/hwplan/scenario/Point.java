package dev.hwplan.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One point of a study's sweep: a value for every field, and where each field was written, so a bad
 * value is reported at its line. The getters convert and check; a wrong value is an {@link
 * InvalidInputException} naming the file, the field and the line.
 */
public final class Point {
  private final StudySpec study;
  private final Map<String, JsonNode> values;
  private final int index;

  Point(StudySpec study, Map<String, JsonNode> values, int index) {
    this.study = study;
    this.values = values;
    this.index = index;
  }

  /** The point's position in the sweep, from 0. */
  public int index() {
    return index;
  }

  /** The study it belongs to. */
  public StudySpec study() {
    return study;
  }

  /** The raw values, in field order. */
  public Map<String, JsonNode> values() {
    return values;
  }

  /** Whether the field was given (or has a default). */
  public boolean has(String field) {
    JsonNode v = values.get(field);
    return v != null && !v.isNull();
  }

  /** An error about {@code field} at this point. */
  public InvalidInputException error(String field, String reason) {
    return study.error(field, reason);
  }

  private JsonNode node(String field) {
    JsonNode v = values.get(field);
    if (v == null || v.isNull()) {
      throw study.error(field, "is required by a '" + study.kind() + "' study");
    }
    return v;
  }

  /** A text field. */
  public String text(String field) {
    JsonNode v = node(field);
    if (!v.isValueNode()) {
      throw error(field, "must be a single value, got " + v);
    }
    return v.asText();
  }

  /** A text field, or {@code fallback}. */
  public String text(String field, String fallback) {
    return has(field) ? text(field) : fallback;
  }

  /** A number; accepts 1e24, 70B, 1.4T, 5M, 32k. */
  public double number(String field) {
    JsonNode v = node(field);
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      Double d = Quantities.parse(v.asText());
      if (d != null) {
        return d;
      }
    }
    throw error(field, "must be a number (e.g. 32768, 1e24, 70B), got '" + v.asText() + "'");
  }

  /** A number, or {@code fallback}. */
  public double number(String field, double fallback) {
    return has(field) ? number(field) : fallback;
  }

  /** A positive number. */
  public double positive(String field) {
    double d = number(field);
    if (!(d > 0) || Double.isInfinite(d)) {
      throw error(field, "must be positive, got " + fmt(d));
    }
    return d;
  }

  /** A whole number at least {@code min}. */
  public long whole(String field, long min) {
    double d = number(field);
    if (d != Math.rint(d) || Math.abs(d) > 9e15) {
      throw error(field, "must be a whole number, got " + fmt(d));
    }
    if (d < min) {
      throw error(field, "must be at least " + min + ", got " + fmt(d));
    }
    return (long) d;
  }

  /** A whole number at least {@code min}, or {@code fallback}. */
  public long whole(String field, long min, long fallback) {
    return has(field) ? whole(field, min) : fallback;
  }

  /** A boolean, or {@code fallback}. */
  public boolean flag(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode v = node(field);
    if (!v.isBoolean()) {
      throw error(field, "must be true or false, got '" + v.asText() + "'");
    }
    return v.asBoolean();
  }

  /** A bundled model id or a config.json path (relative to the scenario file). */
  public ModelSpec model(String field) {
    String id = text(field);
    try {
      return ModelCatalog.resolve(study.resolvePath(id));
    } catch (InvalidInputException e) {
      throw error(field, e.reason());
    }
  }

  /** A GPU profile id. */
  public GpuProfile gpu(String field, ProfileCatalog catalog) {
    String id = text(field);
    if (!catalog.contains(id)) {
      throw error(
          field, "unknown GPU '" + id + "' (known: " + String.join(", ", catalog.ids()) + ")");
    }
    return catalog.get(id);
  }

  /** Any value parsed by {@code parser}, whose own message becomes the reason. */
  public <T> T parsed(String field, java.util.function.Function<String, T> parser) {
    String v = text(field);
    try {
      return parser.apply(v);
    } catch (InvalidInputException e) {
      throw error(field, e.reason());
    } catch (IllegalArgumentException e) {
      throw error(field, e.getMessage());
    }
  }

  /** What {@code calculation} returns, with a complaint about an option {@link #restate}d. */
  public <T> T restating(Supplier<T> calculation) {
    try {
      return calculation.get();
    } catch (InvalidInputException e) {
      throw restate(e);
    }
  }

  /**
   * A calculator's complaint about a command-line option ({@code --tp}) restated about the field
   * ({@code tp}) of this point, with its line.
   */
  public InvalidInputException restate(InvalidInputException e) {
    if (!"command line".equals(e.source())) {
      // already about a file (this scenario, through parsed(), or a model's config.json): as it is
      return e;
    }
    String f = e.field();
    if (f.startsWith("--")) {
      StringBuilder sb = new StringBuilder();
      boolean up = false;
      for (char c : f.substring(2).toCharArray()) {
        if (c == '-') {
          up = true;
        } else {
          sb.append(up ? Character.toUpperCase(c) : c);
          up = false;
        }
      }
      f = sb.toString();
    }
    return study.error(f.isEmpty() ? "" : f, e.reason());
  }

  static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15
        ? String.format(Locale.ROOT, "%d", (long) d)
        : String.format(Locale.ROOT, "%.6g", d);
  }
}
