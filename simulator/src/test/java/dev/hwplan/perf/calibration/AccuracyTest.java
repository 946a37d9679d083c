package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.perf.calibration.AccuracyReport.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The accuracy table on held-out measurements (see {@link AccuracyReport}). Thresholds are the
 * issue's targets, tightened to the measured error plus about a point for decode attention, so that
 * the test fails when the error grows.
 */
class AccuracyTest {
  private static final AccuracyReport REPORT = AccuracyReport.bundled();

  private static Row row(String family, String scenario, String on, String predicted) {
    return REPORT
        .find(family, scenario, on, predicted)
        .orElseThrow(() -> new AssertionError("no row " + family + " " + scenario + " " + on));
  }

  @Test
  void gemmOnTheSameGpuIsWithin5PercentMedianAnd15PercentP90() {
    for (String g : List.of("h100-sxm", "h200-sxm")) {
      Row r = row("gemm", "same-gpu", g, g);
      assertThat(r.n()).isGreaterThanOrEqualTo(90);
      assertThat(r.medianError()).as(g).isLessThanOrEqualTo(0.05);
      assertThat(r.p90Error()).as(g).isLessThanOrEqualTo(0.15);
    }
  }

  @Test
  void decodeAttentionOnTheSameGpuIsWithin5PercentMedianAnd15PercentP90() {
    // {gpu, median guard, p90 guard}: the targets, tightened to the measured error plus about a
    // point (H100 3.5% / 11.1%, H200 2.5% / 8.8% on the run-3 / run-2 harness files).
    for (Object[] g : new Object[][] {{"h100-sxm", 0.045, 0.125}, {"h200-sxm", 0.035, 0.10}}) {
      String gpu = (String) g[0];
      Row r = row("attention", "same-gpu", gpu, gpu);
      assertThat(r.n()).isGreaterThanOrEqualTo(16);
      assertThat(r.medianError()).as(gpu).isLessThanOrEqualTo((double) g[1]);
      assertThat(r.p90Error()).as(gpu).isLessThanOrEqualTo((double) g[2]);
    }
  }

  @Test
  void mlaDecodeOnTheSameGpuIsWithin5PercentMedianAnd15PercentP90() {
    for (String g : List.of("h100-sxm", "h200-sxm")) {
      Row r = row("mla", "same-gpu", g, g);
      assertThat(r.n()).isGreaterThanOrEqualTo(6);
      assertThat(r.medianError()).as(g).isLessThanOrEqualTo(0.05);
      assertThat(r.p90Error()).as(g).isLessThanOrEqualTo(0.15);
    }
  }

  @Test
  void calibrationTransfersAcrossGpusWithin12PercentMedian() {
    for (String[] pair : new String[][] {{"h100-sxm", "h200-sxm"}, {"h200-sxm", "h100-sxm"}}) {
      for (String family : List.of("gemm", "attention", "mla")) {
        Row r = row(family, "cross-gpu", pair[0], pair[1]);
        assertThat(r.medianError())
            .as(family + " " + pair[0] + "->" + pair[1])
            .isLessThanOrEqualTo(0.12);
      }
    }
  }

  @Test
  void collectivesOnTwoGpusFrom1MiBTo1GiBWithin15PercentMedian() {
    Row r = row("collective", "same-gpu", "h200-sxm", "h200-sxm");
    assertThat(r.n()).isGreaterThanOrEqualTo(15);
    assertThat(r.medianError()).isLessThanOrEqualTo(0.15);
  }

  @Test
  void atLeastAThirdOfEveryFamilyIsHeldOut() {
    HeldOutSplit split = AccuracyReport.split(Calibrations.measurements(), HeldOutSplit.SEED);
    Measurements h100 = Calibrations.measurements("h100-sxm").orElseThrow();
    long gemmKeys = h100.gemm().stream().map(Rows.Gemm::key).distinct().count();
    long held =
        h100.gemm().stream().map(Rows.Gemm::key).distinct().filter(split::isHeldOut).count();
    assertThat(held * 3).isGreaterThanOrEqualTo(gemmKeys);
    long attKeys = h100.attention().size();
    long attHeld =
        h100.attention().stream().map(Rows.Attention::key).filter(split::isHeldOut).count();
    assertThat(attHeld * 3).isGreaterThanOrEqualTo(attKeys);
  }

  @Test
  void theSplitIsDeterministic() {
    AccuracyReport again = AccuracyReport.compute(Calibrations.measurements(), HeldOutSplit.SEED);
    assertThat(again.rows()).isEqualTo(REPORT.rows());
  }
}
