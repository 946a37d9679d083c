package dev.hwplan.scenario;

import dev.hwplan.report.Section;
import java.util.List;
import java.util.Map;

/**
 * What a study produced.
 *
 * @param section the report section
 * @param summary a few lines for the terminal
 * @param numbers headline numbers for {@code --json}, SI units
 */
public record StudyResult(Section section, List<String> summary, Map<String, Object> numbers) {
  public StudyResult {
    summary = List.copyOf(summary);
    numbers = Map.copyOf(numbers);
  }
}
