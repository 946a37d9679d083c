package dev.hwplan.scenario.study;

import dev.hwplan.perf.calibration.ValidationAccuracy;
import dev.hwplan.perf.calibration.ValidationAccuracy.MeasuredFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * The accuracy section's validation part, from {@link ValidationAccuracy} (the committed scores of
 * the frozen model on files measured after the freeze): a paragraph naming the files, the GPU and
 * the dates and issue 15's targets, and a table of the validation rows with the targets each row
 * misses. Rows of files seen while the model was built stay in the data file and are only named.
 */
final class ValidationTable {
  /** The table's caption. */
  static final String CAPTION = "Validation: measured after the model was frozen";

  private ValidationTable() {}

  /** The paragraphs above the table: the validation files and targets, then the seen files. */
  static String text(ValidationAccuracy v) {
    List<ValidationAccuracy.Row> rows = v.validationRows();
    long missing = rows.stream().filter(r -> !r.misses().isEmpty()).count();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Validation: the model frozen at commit `%s` (%s), scored on measurements taken after"
                + " the model of their op family took its present form and never used to choose it:"
                + " ",
            v.source().frozenAt(),
            v.source().model()));
    sb.append(describe(v.files(ValidationAccuracy.VALIDATION)));
    sb.append(
        String.format(
            Locale.ROOT,
            ". Issue 15's targets: op families a median of at most %.0f%% and a p90 of at most"
                + " %.0f%%, whole steps a median of at most %.0f%% and a worst of at most %.0f%%; %d of the %d rows miss one (column"
                + " `target`). Coverage is the share of measurements inside the prediction"
                + " interval, nominal %.0f%%.",
            ValidationAccuracy.MEDIAN_TARGET_PCT,
            ValidationAccuracy.OP_P90_TARGET_PCT,
            ValidationAccuracy.MEDIAN_TARGET_PCT,
            ValidationAccuracy.STEP_WORST_TARGET_PCT,
            missing,
            rows.size(),
            nominal(rows)));
    List<MeasuredFile> seen = v.files(ValidationAccuracy.SEEN);
    if (!seen.isEmpty()) {
      sb.append("\n\nFiles looked at while the model was built (")
          .append(describe(seen))
          .append(") are scored in `accuracy/validation.json` as seen and not shown.");
    }
    return sb.toString();
  }

  /** The validation rows, percentages to 0.1 point. */
  static Table table(String id, ValidationAccuracy v) {
    Tables t =
        new Tables(id)
            .text("gpu")
            .text("file")
            .text("family")
            .text("form")
            .whole("n")
            .percent("medianErrorPct")
            .percent("p90ErrorPct")
            .percent("worstErrorPct")
            .percent("coveragePct")
            .text("target");
    for (ValidationAccuracy.Row r : v.validationRows()) {
      t.row(
          r.gpu(),
          r.file().substring(r.file().lastIndexOf('/') + 1),
          r.family(),
          r.form(),
          r.n(),
          r.medianPct(),
          r.p90Pct(),
          r.worstPct(),
          r.coveragePct(),
          r.misses().isEmpty() ? "met" : "misses " + String.join(", ", r.misses()));
    }
    return t.build();
  }

  private static double nominal(List<ValidationAccuracy.Row> rows) {
    return rows.stream()
        .mapToDouble(ValidationAccuracy.Row::nominalCoveragePct)
        .distinct()
        .reduce((a, b) -> Double.NaN)
        .orElse(Double.NaN);
  }

  /**
   * "`a.json`, `b.json` (NVIDIA H100 80GB HBM3, 2026-12-06 05:47 to 21:10 UTC)", one group per
   * device.
   */
  private static String describe(List<MeasuredFile> files) {
    Map<String, List<MeasuredFile>> byDevice = new LinkedHashMap<>();
    files.forEach(f -> byDevice.computeIfAbsent(f.device(), k -> new ArrayList<>()).add(f));
    List<String> parts = new ArrayList<>();
    byDevice.forEach(
        (device, fs) -> {
          List<String> names = fs.stream().map(f -> "`" + f.path() + "`").toList();
          List<String> dates = fs.stream().map(MeasuredFile::measured).sorted().toList();
          parts.add(
              String.join(", ", names)
                  + " ("
                  + device
                  + ", "
                  + span(dates.get(0), dates.get(dates.size() - 1))
                  + ")");
        });
    return String.join("; ", parts);
  }

  /** "2026-12-06 05:47 to 21:10 UTC" from two ISO instants ("2026-12-06T05:47:36Z"). */
  private static String span(String first, String last) {
    String d0 = first.substring(0, 10);
    String d1 = last.substring(0, 10);
    String t0 = first.substring(11, 16);
    String t1 = last.substring(11, 16);
    if (first.equals(last)) {
      return d0 + " " + t0 + " UTC";
    }
    return d0.equals(d1)
        ? d0 + " " + t0 + " to " + t1 + " UTC"
        : d0 + " " + t0 + " to " + d1 + " " + t1 + " UTC";
  }
}
