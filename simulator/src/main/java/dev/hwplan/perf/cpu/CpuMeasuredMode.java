package dev.hwplan.perf.cpu;

import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelRunner;
import dev.hwplan.kernels.Timing;

/**
 * The {@code measured} prediction mode on this CPU: time the reference kernel for the exact shape,
 * with the same warm-up and sampling as {@code hwplan measure cpu}. Its memory and compute terms
 * come from the calibrated roofline, so that the answer still says what bounds the kernel.
 */
public final class CpuMeasuredMode {
  private final CpuRoofline calibrated;
  private final KernelRunner.Settings settings;

  public CpuMeasuredMode(CpuRoofline calibrated, KernelRunner.Settings settings) {
    this.calibrated = calibrated;
    this.settings = settings;
  }

  /** Times {@code c} here; the seconds are its fastest sample. */
  public CpuPrediction predict(KernelCase c) {
    Timing t = KernelRunner.time(c.call(), settings);
    CpuPrediction model = calibrated.predict(CpuWork.of(c));
    return new CpuPrediction(
        t.minSeconds(),
        model.bound(),
        "measured",
        model.memoryLevel(),
        model.computeSeconds(),
        model.memorySeconds(),
        model.overheadSeconds());
  }
}
