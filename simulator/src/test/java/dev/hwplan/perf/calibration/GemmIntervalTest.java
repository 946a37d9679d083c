package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.perf.Spread;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Freeze XX: the GEMM's interval comes from rows no fit sees where a GPU has them (the H100's sweep
 * of token counts off the powers of two), else from the fitted rows (the H200's, unchanged).
 */
class GemmIntervalTest {
  @Test
  void theH100sIntervalRowsAreTheSweepAndNoFittedRow() {
    Measurements h100 = Measurements.bundled("h100-sxm").orElseThrow();
    assertThat(h100.gemmIntervals()).hasSize(560);
    Set<String> fitted = h100.gemm().stream().map(Rows.Gemm::key).collect(Collectors.toSet());
    assertThat(h100.gemmIntervals()).noneMatch(r -> fitted.contains(r.key()));
    assertThat(Measurements.bundled("h200-sxm").orElseThrow().gemmIntervals()).isEmpty();
  }

  @Test
  void spreadsPinned() {
    Spread h100 = Calibrations.forGpu(ProfileCatalog.bundled().get("h100-sxm")).spread("gemm");
    Spread h200 = Calibrations.forGpu(ProfileCatalog.bundled().get("h200-sxm")).spread("gemm");
    Spread pooled = Calibrations.pooled().spread("gemm");
    System.out.printf(
        "GEMM spreads: h100 %.4f..%.4f (%d), h200 %.4f..%.4f (%d), pooled %.4f..%.4f (%d)%n",
        h100.lowRatio(),
        h100.highRatio(),
        h100.rows(),
        h200.lowRatio(),
        h200.highRatio(),
        h200.rows(),
        pooled.lowRatio(),
        pooled.highRatio(),
        pooled.rows());
    // the H100's sweep (freeze XX); before it, its fitted rows gave 0.936..1.092
    assertThat(h100.rows()).isEqualTo(560);
    assertThat(h100.lowRatio()).isCloseTo(0.9295, within(1e-4));
    assertThat(h100.highRatio()).isCloseTo(1.2064, within(1e-4));
    // the H200's fitted rows, as before freeze XX
    assertThat(h200.rows()).isEqualTo(280);
    assertThat(h200.lowRatio()).isCloseTo(0.9062, within(1e-4));
    assertThat(h200.highRatio()).isCloseTo(1.1136, within(1e-4));
    // GPUs without measurements: the H100's sweep and the H200's fitted rows against the pooled fit
    assertThat(pooled.rows()).isEqualTo(840);
    assertThat(pooled.lowRatio()).isCloseTo(0.9247, within(1e-4));
    assertThat(pooled.highRatio()).isCloseTo(1.1808, within(1e-4));
  }

  /** The start-up look-up agrees with the files: only the H100 and the H200 have measurements. */
  @Test
  void anyBundledFindsExactlyTheMeasuredGpus() {
    for (String id : ProfileCatalog.bundled().ids()) {
      assertThat(Measurements.anyBundled(id))
          .as(id)
          .isEqualTo(Measurements.bundled(id).isPresent());
    }
    assertThat(Measurements.anyBundled("h100-sxm")).isTrue();
    assertThat(Measurements.anyBundled("b200")).isFalse();
  }
}
