package dev.hwplan.scenario.study;

import dev.hwplan.perf.calibration.AccuracyReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accuracy section's sentences, derived from the rows alone: for held-out shapes on the same
 * GPU, and for one GPU's calibration predicting another GPU, the best-predicted op family and the
 * worst, each with its median and 90th-percentile error on every GPU it was measured on. Families
 * are ranked by their largest p90 error over those GPUs; "worst" is every family whose p90 is more
 * than twice the best family's, and at least the one with the largest, so that a family that
 * predicts badly is named in the prose and not left to the table.
 */
final class AccuracyProse {
  private AccuracyProse() {}

  /** One sentence per scenario present in {@code rows}: same-gpu first, then cross-gpu. */
  static List<String> sentences(List<AccuracyReport.Row> rows) {
    List<String> out = new ArrayList<>();
    for (String scenario : List.of("same-gpu", "cross-gpu")) {
      Map<String, List<AccuracyReport.Row>> byFamily = new LinkedHashMap<>();
      for (AccuracyReport.Row r : rows) {
        if (r.scenario().equals(scenario)) {
          byFamily.computeIfAbsent(r.family(), k -> new ArrayList<>()).add(r);
        }
      }
      if (byFamily.isEmpty()) {
        continue;
      }
      List<String> ranked = new ArrayList<>(byFamily.keySet());
      ranked.sort(Comparator.comparingDouble(f -> worstP90(byFamily.get(f))));
      String best = ranked.get(0);
      double bestP90 = worstP90(byFamily.get(best));
      List<String> worst = new ArrayList<>();
      for (int i = ranked.size() - 1; i > 0; i--) {
        String f = ranked.get(i);
        if (worst.isEmpty() || worstP90(byFamily.get(f)) > 2 * bestP90) {
          worst.add(f);
        }
      }
      StringBuilder sb =
          new StringBuilder(
              scenario.equals("same-gpu")
                  ? "Held out on the GPU it was calibrated on, the best-predicted op family is "
                  : "With one GPU's calibration predicting the other GPU, the best-predicted op"
                      + " family is ");
      sb.append(describe(best, byFamily.get(best)));
      if (!worst.isEmpty()) {
        sb.append(worst.size() == 1 ? "; the worst is " : "; the worst are ");
        List<String> parts = new ArrayList<>();
        for (String f : worst) {
          parts.add(describe(f, byFamily.get(f)));
        }
        sb.append(String.join(" and ", parts));
      }
      out.add(sb.toString());
    }
    return out;
  }

  private static double worstP90(List<AccuracyReport.Row> rows) {
    return rows.stream().mapToDouble(AccuracyReport.Row::p90Error).max().orElse(Double.NaN);
  }

  /** "sdpa-flash (h100-sxm: median 9.7%, p90 22.3%, 16 shapes; h200-sxm: ...)". */
  private static String describe(String family, List<AccuracyReport.Row> rows) {
    List<String> parts = new ArrayList<>();
    for (AccuracyReport.Row r : rows) {
      String where =
          r.scenario().equals("same-gpu")
              ? r.predicted()
              : r.calibratedOn() + " predicting " + r.predicted();
      parts.add(
          String.format(
              Locale.ROOT,
              "%s: median %.1f%%, p90 %.1f%%, %d shapes",
              where,
              100 * r.medianError(),
              100 * r.p90Error(),
              r.n()));
    }
    return family + " (" + String.join("; ", parts) + ")";
  }
}
