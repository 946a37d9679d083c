package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The calibrated model against decode shapes it never saw: 120 shapes per GPU (group sizes 1, 2, 4,
 * 5, 6, 7, 8, 16 and 64, batch 2 to 64, context 2k to 24k) measured with the same harness after the
 * calibration was committed ({@code kernels/cuda/results/<gpu>/decode-validation.*}, with the
 * command and device beside it). None of these shapes is in the committed calibration data, so the
 * product's calibration, fitted on all of that data, predicts every row out of sample. The limits
 * pin today's errors with a small margin, so the test fails when they grow.
 */
class DecodeValidationTest {
  /** Per GPU: the median and p90 |error| the errors must stay below. */
  @ParameterizedTest
  @CsvSource({"h100-sxm, 0.030, 0.105", "h200-sxm, 0.045, 0.13"})
  void outOfSampleErrorsStayBelowTheirLimits(String gpu, double median, double p90)
      throws Exception {
    String file = "../" + gpu + "/decode-validation.json";
    assertThat(FidelityScores.read(file).get("status").asText()).isEqualTo("ok");
    // the scorer refuses a row among the calibration's (out of sample) and times the split-K op
    FidelityScores.Score e = FidelityScores.decode(file);
    System.out.printf(Locale.ROOT, "%s validation %s%n", gpu, e);
    assertThat(e.n()).isEqualTo(120);
    assertThat(e.median()).isLessThan(median);
    assertThat(e.p90()).isLessThan(p90);
  }
}
