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
 * @param notes what the study's predictions rest on (another device's calibration, an
 *     extrapolation, an unmeasured type), each once, in the order met; the section ends with them
 */
public record StudyResult(
    Section section, List<String> summary, Map<String, Object> numbers, List<String> notes) {
  public StudyResult {
    summary = List.copyOf(summary);
    numbers = Map.copyOf(numbers);
    notes = List.copyOf(notes);
  }
}
