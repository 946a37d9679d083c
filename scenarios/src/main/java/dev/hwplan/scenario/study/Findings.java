package dev.hwplan.scenario.study;

import dev.hwplan.report.ReportChart;
import dev.hwplan.report.Section;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.Table;

/**
 * What a study's {@code finish} gathers on the way to its {@link StudyResult}: the report section
 * (texts, charts and tables in the order added), the summary lines for the terminal and the
 * headline numbers for {@code --json}. A section of predictions ends with what they rest on ({@link
 * #restsOn}).
 */
final class Findings {
  private final StudySpec spec;
  private final Section.Builder section;
  private final List<String> summary = new ArrayList<>();
  private final Map<String, Object> numbers = new LinkedHashMap<>();
  private final Set<String> restsOn = new LinkedHashSet<>();

  Findings(StudySpec spec) {
    this.spec = spec;
    this.section = spec.section();
  }

  /**
   * A sentence for both readers: in the section as written (Markdown bold and all), in the summary
   * without the bold.
   */
  void sentence(String markdown) {
    section.text(markdown);
    summary.add(markdown.replace("**", ""));
  }

  /** A paragraph of the section only. */
  void text(String markdown) {
    section.text(markdown);
  }

  /** A line of the summary only. */
  void summary(String line) {
    summary.add(line);
  }

  /** Each summary line so far as a paragraph of the section. */
  void summaryAsText() {
    summary.forEach(section::text);
  }

  /** The summary lines so far. */
  List<String> summaryLines() {
    return summary;
  }

  void chart(ReportChart chart) {
    section.chart(chart);
  }

  /** A table of the section, with its id and caption. */
  void table(String id, String caption, Table table) {
    section.table(id, caption, table);
  }

  /**
   * Notes of a result the section shows (another device's calibration, a collective outside the
   * measured range, an uncalibrated op, an assumption): the section ends with a paragraph "What
   * these predictions rest on: ..." that gives each note of its results once, in the order met.
   */
  void restsOn(List<String> notes) {
    restsOn.addAll(notes);
  }

  /** A headline number, SI units. */
  void number(String key, Object value) {
    numbers.put(key, value);
  }

  /** The result, after a last table under the study's own id. */
  StudyResult result(String caption, Table table) {
    table(spec.id(), caption, table);
    return result();
  }

  /** The result as gathered. */
  StudyResult result() {
    return result(summary);
  }

  /** The result as gathered, with {@code summary} for the terminal instead of every line. */
  StudyResult result(List<String> summary) {
    if (!restsOn.isEmpty()) {
      section.text("What these predictions rest on: " + String.join("; ", restsOn) + ".");
    }
    return new StudyResult(section.build(), summary, numbers, List.copyOf(restsOn));
  }
}
