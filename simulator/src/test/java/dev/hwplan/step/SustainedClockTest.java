package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.perf.device.Bound;
import org.junit.jupiter.api.Test;

class SustainedClockTest {
  private static final OpTimeModel H200 =
      Calibrations.model(ProfileCatalog.bundled().get("h200-sxm"), Mode.CALIBRATED);

  /** Mixtral-8x7B's gate/up experts over 1024 rows each: compute-bound. */
  private static final Op GROUPED =
      Ops.balancedGroupedGemm("experts", DType.BF16, 8, 1024, 28672, 4096, 2, 2);

  private static final Op GEMM = Ops.gemm("proj", DType.BF16, 8192, 4096, 4096, 2, 2);

  @Test
  void aStepTimesComputeBoundGroupedGemmsFasterThanTheirBackToBackCalibration() {
    Prediction raw = H200.predict(GROUPED);
    assertThat(raw.bound()).isEqualTo(Bound.COMPUTE);
    Prediction inStep = SustainedClock.of(H200, 1).predict(GROUPED);
    assertThat(inStep.seconds()).isEqualTo(raw.seconds() * SustainedClock.IN_STEP_GROUPED_SCALE);
    assertThat(inStep.lowSeconds())
        .isEqualTo(raw.lowSeconds() * SustainedClock.IN_STEP_GROUPED_SCALE);
    // the compiled form's sustained clock multiplies in
    Prediction compiled = SustainedClock.of(H200, 1.036).predict(GROUPED);
    assertThat(compiled.seconds())
        .isEqualTo(raw.seconds() * (1.036 * SustainedClock.IN_STEP_GROUPED_SCALE));
  }

  @Test
  void otherOpsAndSpeedOfLightAreLeftAsCalibrated() {
    Prediction gemm = SustainedClock.of(H200, 1).predict(GEMM);
    assertThat(gemm).isEqualTo(H200.predict(GEMM));
    OpTimeModel sol = Calibrations.model(ProfileCatalog.bundled().get("h200-sxm"), Mode.SOL);
    assertThat(SustainedClock.of(sol, 1).predict(GROUPED).seconds())
        .isEqualTo(sol.predict(GROUPED).seconds());
    // a decode step's grouped GEMM of a few rows an expert streams weights: memory-bound, unscaled
    Op decode = Ops.balancedGroupedGemm("experts", DType.BF16, 8, 4, 28672, 4096, 2, 2);
    assertThat(H200.predict(decode).bound()).isNotEqualTo(Bound.COMPUTE);
    assertThat(SustainedClock.of(H200, 1).predict(decode)).isEqualTo(H200.predict(decode));
  }
}
