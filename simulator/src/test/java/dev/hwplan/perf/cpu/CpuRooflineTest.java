package dev.hwplan.perf.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.calibration.Calibration;
import dev.hwplan.hardware.calibration.Provenance;
import dev.hwplan.io.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuRooflineTest {
  // 20 GB/s DRAM read (kernels reach 16), 100 GB/s LLC of 48 MiB, 200 GFLOP/s FMA, GEMM at 100,
  // attention at 40 (token-major 20), MLA at 30, and 5 µs a call.
  static final CpuCeilings C =
      new CpuCeilings(20e9, 16e9, 100e9, 48 << 20, 200e9, 100e9, 40e9, 20e9, 30e9, 5e-6);
  static final CpuRoofline MODEL = new CpuRoofline(C);

  @Test
  void aKvCacheBeyondTheLlcIsReadAtDramBandwidth() {
    // 256 MiB of KV at 20 GB/s is 13.4 ms; its 134 MFLOP at 40 GFLOP/s would take 3.4 ms.
    double bytes = 256.0 * (1 << 20);
    CpuPrediction p =
        MODEL.predict(new CpuWork("decodeAttention", 134e6, bytes, bytes, "attention"));
    assertThat(p.bound()).isEqualTo("memory");
    assertThat(p.memoryLevel()).isEqualTo("dram");
    assertThat(p.seconds()).isCloseTo(5e-6 + bytes / 16e9, within(1e-12));
  }

  @Test
  void aGemmIsBoundByTheMatrixRateNotTheFmaPeak() {
    double flops = 2.0 * 1024 * 1024 * 1024;
    CpuPrediction p = MODEL.predict(new CpuWork("gemm", flops, 12 << 20, 12 << 20, "matrix"));
    assertThat(p.bound()).isEqualTo("compute");
    assertThat(p.seconds()).isCloseTo(5e-6 + flops / 100e9, within(1e-12));
  }

  @Test
  void aWorkingSetInHalfTheLlcIsReadAtLlcBandwidth() {
    CpuPrediction p = MODEL.predict(new CpuWork("gemv", 1e6, 4e6, 4e6, "vector"));
    assertThat(p.memoryLevel()).isEqualTo("llc");
    // The LLC is read at its probe's rate times the kernels' streaming efficiency (16/20).
    assertThat(p.seconds()).isCloseTo(5e-6 + 4e6 / 80e9, within(1e-12));
  }

  @Test
  void aTinyCallCostsTheOverhead() {
    CpuPrediction p = MODEL.predict(new CpuWork("gemv", 32, 200, 200, "vector"));
    assertThat(p.bound()).isEqualTo("overhead");
    assertThat(p.seconds()).isCloseTo(5e-6, within(1e-8));
  }

  @Test
  void measuredModeTimesTheKernelAndSaysSo() {
    dev.hwplan.kernels.KernelCase c =
        new dev.hwplan.kernels.KernelCases(dev.hwplan.kernels.provider.KernelProviders.get())
            .gemv(64, 256, "fp32");
    CpuPrediction p =
        new CpuMeasuredMode(MODEL, new dev.hwplan.kernels.KernelRunner.Settings(0, 0, 3, 1e-4))
            .predict(c);
    assertThat(p.mode()).isEqualTo("measured");
    assertThat(p.seconds()).isPositive();
  }

  @Test
  void aCalibrationWithoutACeilingNamesTheField() {
    Map<String, Double> m = new HashMap<>(C.toMap());
    m.remove(CpuCeilings.MATRIX);
    Calibration c =
        new Calibration("cpu-x", new Provenance("cpu", "jdk", "2026-01-01", "test", "x"), m, null);
    assertThatThrownBy(() -> CpuCeilings.from(c))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ceilings.matrixFlopsPerSecond");
  }

  @Test
  void measuredModeWritesACalibrationThatReadsBackWithItsRawSamples(@TempDir Path dir)
      throws Exception {
    CpuMeasurementResult r = new CpuMeasurement(CpuMeasurement.Scale.SMOKE).run((w, d, t) -> {});
    assertThat(r.kernels()).hasSize(8);
    assertThat(r.heldOutShapes()).isEqualTo(2);
    assertThat(r.medianRelativeError()).isFinite();
    Calibration c = CpuMeasurement.toCalibration(r, "hwplan measure cpu test");
    Path file = Files.createDirectory(dir.resolve("sub")).resolve("cpu-test.json");
    CpuCalibrations.write(file, c);
    assertThat(Files.exists(file)).isTrue();
    Calibration back = CpuCalibrations.read(file);
    assertThat(CpuCeilings.from(back)).isEqualTo(r.ceilings());
    assertThat(back.provenance().device()).isEqualTo(r.machine().get("cpu"));
    assertThat(back.rows().get("kernels")).hasSize(8);
    assertThat(back.rows().get("kernels").get(0)).containsKey("samplesSeconds");
    assertThat(back.rows().get("probes")).hasSize(5);
    // Every write goes through a temporary file and a rename: none is left behind.
    assertThat(dir.resolve("sub").toFile().list()).containsExactly("cpu-test.json");
  }
}
