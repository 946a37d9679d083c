package dev.hwplan.perf;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.op.Op;
import dev.hwplan.perf.device.Bound;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Roofline;
import java.util.List;

/** {@code sol}: the pure roofline, {@code max(flops / peak, bytes / bandwidth)}; a lower bound. */
public final class SolModel implements OpTimeModel {
  private final DevicePeaks gpu;

  public SolModel(GpuProfile gpu) {
    this(DevicePeaks.of(gpu));
  }

  public SolModel(DevicePeaks gpu) {
    this.gpu = gpu;
  }

  @Override
  public Mode mode() {
    return Mode.SOL;
  }

  /** The roofline seconds of {@code op} on {@code gpu}. */
  public static double seconds(Op op, DevicePeaks gpu) {
    return Math.max(
        Roofline.computeSeconds(op, gpu),
        Math.max(Roofline.memorySeconds(op, gpu), Roofline.linkSeconds(op, gpu)));
  }

  @Override
  public Prediction predict(Op op) {
    double c = Roofline.computeSeconds(op, gpu);
    double m = Roofline.memorySeconds(op, gpu);
    double l = Roofline.linkSeconds(op, gpu);
    double t = Math.max(c, Math.max(m, l));
    Bound b = l >= Math.max(c, m) && l > 0 ? Bound.NETWORK : c > m ? Bound.COMPUTE : Bound.MEMORY;
    return new Prediction(
        op.kind().key(), Mode.SOL, t, t, t, b, 1.0, t, op.flops(), op.bytes(), List.of());
  }
}
