package dev.hwplan.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.report.Section;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One study of a scenario as written: its kind, id, title, and fields (each possibly swept).
 *
 * @param doc the document it came from
 * @param pointer where it sits in the document ({@code /studies/2})
 * @param kind the study kind
 * @param id an identifier, unique in the scenario (used for file names)
 * @param title the section title
 * @param text an optional paragraph placed before the results
 * @param fields the remaining fields, in file order
 * @param baseDir the folder of the scenario file, for relative paths; null for a bundled scenario
 */
public record StudySpec(
    YamlDoc doc,
    String pointer,
    StudyKind kind,
    String id,
    String title,
    String text,
    Map<String, JsonNode> fields,
    Path baseDir) {

  /** The start of this study's report section: its id and title, then its text where written. */
  public Section.Builder section() {
    Section.Builder s = Section.builder(id, title);
    if (!text.isBlank()) {
      s.text(text);
    }
    return s;
  }

  /** An error about {@code field} of this study, with file, path and line. */
  public InvalidInputException error(String field, String reason) {
    return doc.error(pointer + "/" + field, reason);
  }

  /** A path as written in the scenario, resolved against the scenario file's folder. */
  public String resolvePath(String written) {
    if (baseDir == null || written.isEmpty()) {
      return written;
    }
    Path p = Path.of(written);
    if (p.isAbsolute()
        || !(written.contains("/") || written.endsWith(".json") || written.endsWith(".csv"))) {
      return written;
    }
    return baseDir.resolve(p).toString();
  }

  /** A file path as written, resolved against the scenario's folder ({@code ~/} is the home). */
  public Path resolveFile(String written) {
    if (written.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(written.substring(2));
    }
    Path p = Path.of(written);
    return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p);
  }

  /**
   * The points of the sweep, with {@code defaults} filled in for fields not written; a field not in
   * {@code known} (nor a default) is a mistake that lists the known fields.
   */
  public List<Point> points(Map<String, Object> defaults, Set<String> known) {
    for (String f : fields.keySet()) {
      if (!known.contains(f) && !defaults.containsKey(f)) {
        List<String> all = new ArrayList<>(known);
        defaults.keySet().stream().filter(k -> !known.contains(k)).forEach(all::add);
        all.sort(null);
        throw doc.error(
            pointer + "/" + f,
            "unknown field '"
                + f
                + "' for a '"
                + kind
                + "' study (known: "
                + String.join(", ", all)
                + ")");
      }
    }
    Map<String, JsonNode> merged = new LinkedHashMap<>();
    defaults.forEach(
        (k, v) ->
            merged.put(
                k,
                v == null
                    ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                    : Scenario.MAPPER.valueToTree(v)));
    merged.putAll(fields);
    List<Map<String, JsonNode>> raw = Sweep.expand(doc, pointer, merged);
    List<Point> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      out.add(new Point(this, raw.get(i), i));
    }
    return out;
  }
}
