package dev.hwplan.scenario.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.perf.calibration.AccuracyReport;
import dev.hwplan.perf.calibration.AccuracyReport.Row;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The accuracy prose names the worst op families with their numbers, not only the best. */
class AccuracyProseTest {
  private static Row same(String family, String gpu, double median, double p90) {
    return new Row(family, "same-gpu", gpu, gpu, 10, median, p90, p90 * 1.5);
  }

  private static List<String> sentences(Row... rows) {
    return AccuracyProse.sentences(List.of(rows));
  }

  @Test
  void theWorstFamilyIsNamedWithItsMedianAndP90NextToTheBest() {
    List<String> s =
        sentences(
            same("gemm", "a100", 0.02, 0.05),
            same("gemm", "b200", 0.03, 0.06),
            same("attention", "a100", 0.03, 0.08),
            same("sdpa-flash", "a100", 0.12, 0.51),
            same("mla", "a100", 0.04, 0.09));
    assertThat(s).hasSize(1);
    String text = s.get(0);
    assertThat(text)
        .contains(
            "best-predicted op family is gemm (a100: median 2.0%, p90 5.0%, 10 shapes;"
                + " b200: median 3.0%, p90 6.0%, 10 shapes)")
        .contains("the worst is sdpa-flash (a100: median 12.0%, p90 51.0%, 10 shapes)")
        .doesNotContain("attention")
        .doesNotContain("mla");
  }

  @Test
  void everyFamilyWithAP90MoreThanTwiceTheBestsIsNamedWorstFirst() {
    String text =
        sentences(
                same("gemm", "a100", 0.02, 0.05),
                same("collective", "a100", 0.10, 0.25),
                same("attention", "a100", 0.03, 0.09),
                same("sdpa-flash", "a100", 0.15, 0.38))
            .get(0);
    assertThat(text)
        .contains(
            "the worst are sdpa-flash (a100: median 15.0%, p90 38.0%, 10 shapes) and collective"
                + " (a100: median 10.0%, p90 25.0%, 10 shapes)")
        .doesNotContain("attention");
  }

  @Test
  void crossGpuRowsGetTheirOwnSentenceNamingBothGpus() {
    List<String> s =
        sentences(
            same("gemm", "h100", 0.03, 0.07),
            new Row("gemm", "cross-gpu", "h100", "h200", 280, 0.04, 0.11, 0.2),
            new Row("sdpa-flash", "cross-gpu", "h100", "h200", 48, 0.19, 0.512, 0.6));
    assertThat(s).hasSize(2);
    assertThat(s.get(1))
        .startsWith("With one GPU's calibration predicting the other GPU")
        .contains("the worst is sdpa-flash (h100 predicting h200: median 19.0%, p90 51.2%");
  }

  @Test
  void theCommittedMeasurementsWorstFamilyIsInTheProse() {
    AccuracyReport a = AccuracyReport.bundled();
    List<String> s = AccuracyProse.sentences(a.rows());
    for (String scenario : List.of("same-gpu", "cross-gpu")) {
      Row worst =
          a.rows().stream()
              .filter(r -> r.scenario().equals(scenario))
              .max(Comparator.comparingDouble(Row::p90Error))
              .orElseThrow();
      String sentence = s.get(scenario.equals("same-gpu") ? 0 : 1);
      assertThat(sentence)
          .contains("the worst")
          .contains(worst.family() + " (")
          .contains(
              String.format(
                  Locale.ROOT,
                  "median %.1f%%, p90 %.1f%%",
                  100 * worst.medianError(),
                  100 * worst.p90Error()));
    }
  }
}
