package dev.hwplan.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.perf.device.Bound;
import dev.hwplan.perf.device.DevicePeaks;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class ModesTest {
  private static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");

  @Test
  void solOfA8192CubedBf16GemmIsItsFlopsAtTheDerivedPeak() {
    Prediction p = new SolModel(H100).predict(Ops.gemm("g", DType.BF16, 8192, 8192, 8192));
    assertThat(p.seconds())
        .isCloseTo(2.0 * Math.pow(8192, 3) / 989.42976e12, Percentage.withPercentage(1e-6));
    assertThat(p.bound()).isEqualTo(Bound.COMPUTE);
    assertThat(p.lowSeconds()).isEqualTo(p.seconds());
  }

  @Test
  void calibratedIsSlowerThanSolAndCarriesAnInterval() {
    Op gemv = Ops.gemm("g", DType.BF16, 1, 4096, 4096);
    Prediction c = Calibrations.model(H100, Mode.CALIBRATED).predict(gemv);
    assertThat(c.mode()).isEqualTo(Mode.CALIBRATED);
    assertThat(c.seconds()).isGreaterThan(SolModel.seconds(gemv, DevicePeaks.of(H100)));
    assertThat(c.lowSeconds()).isLessThanOrEqualTo(c.seconds());
    assertThat(c.highSeconds()).isGreaterThanOrEqualTo(c.seconds());
    assertThat(c.bound()).isIn(Bound.MEMORY, Bound.LATENCY);
    assertThat(c.efficiency()).isBetween(0.0, 1.0);
  }

  @Test
  void measuredReturnsTheCommittedMedianForAMeasuredShape() {
    Prediction p =
        Calibrations.model(H100, Mode.MEASURED).predict(Ops.gemm("g", DType.BF16, 64, 4096, 14336));
    assertThat(p.mode()).isEqualTo(Mode.MEASURED);
    double median =
        Calibrations.measurements("h100-sxm").orElseThrow().gemm().stream()
            .filter(r -> r.dtype().equals("bf16") && r.m() == 64 && r.n() == 4096 && r.k() == 14336)
            .findFirst()
            .orElseThrow()
            .seconds();
    assertThat(p.seconds()).isEqualTo(median);
    assertThat(p.lowSeconds()).isLessThanOrEqualTo(median);
  }

  @Test
  void measuredFallsBackToCalibratedWithANote() {
    Prediction p =
        Calibrations.model(H100, Mode.MEASURED).predict(Ops.gemm("g", DType.BF16, 3, 4096, 14336));
    assertThat(p.mode()).isEqualTo(Mode.CALIBRATED);
    assertThat(p.notes().get(0)).contains("no committed measurement");
  }

  @Test
  void aGpuWithoutMeasurementsIsCalibratedThroughItsProfile() {
    GpuProfile a100 = ProfileCatalog.bundled().get("a100-sxm-80gb");
    Op gemv = Ops.gemm("g", DType.BF16, 1, 8192, 8192);
    double a = Calibrations.model(a100, Mode.CALIBRATED).predict(gemv).seconds();
    double h = Calibrations.model(H100, Mode.CALIBRATED).predict(gemv).seconds();
    // Weight streaming scales with HBM bandwidth: 2039 GB/s against 3352 GB/s.
    assertThat(a / h).isBetween(1.3, 1.8);
    assertThat(Calibrations.forGpu(a100).notes()).anyMatch(n -> n.contains("transferred"));
  }

  @Test
  void collectiveOnH200IsNetworkBoundAtLargeSizes() {
    GpuProfile h200 = ProfileCatalog.bundled().get("h200-sxm");
    Prediction p =
        Calibrations.model(h200, Mode.CALIBRATED)
            .predict(Ops.collective("ar", Collective.ALL_REDUCE, 2, 1L << 30));
    assertThat(p.bound()).isEqualTo(Bound.NETWORK);
    assertThat(p.seconds()).isBetween(2.5e-3, 4.5e-3);
  }
}
