package dev.hwplan.step;

import dev.hwplan.op.Op;
import dev.hwplan.perf.KeyedOpTimeModel;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.device.Bound;

/**
 * An op-time model whose compute-bound predictions are {@code scale} times longer: the clock of a
 * GPU that runs tensor-core kernels back to back. The op-time models are calibrated on kernels
 * timed alone or between the memory-bound kernels of an eager step; a compiled step leaves few
 * memory-bound kernels between its GEMMs and attention, and the same kernels run slower there (see
 * {@link Execution#computeBoundScale}). Memory- and latency-bound predictions are unchanged.
 */
final class SustainedClock implements OpTimeModel {
  private final OpTimeModel times;
  private final double scale;

  private SustainedClock(OpTimeModel times, double scale) {
    this.times = times;
    this.scale = scale;
  }

  /** A model for equal keys predicts alike: the wrapped model's value and the scale. */
  private record Key(OpTimeModel times, double scale) {}

  /**
   * {@code times} with compute-bound predictions scaled by {@code scale}; {@code times} itself
   * where the scale is 1. A model with value equality ({@link KeyedOpTimeModel}) stays one, so
   * step-time memos still key on it by value.
   */
  static OpTimeModel of(OpTimeModel times, double scale) {
    if (scale == 1) {
      return times;
    }
    SustainedClock c = new SustainedClock(times, scale);
    return times instanceof KeyedOpTimeModel ? new KeyedOpTimeModel(c, new Key(times, scale)) : c;
  }

  @Override
  public Prediction predict(Op op) {
    Prediction p = times.predict(op);
    if (p.bound() != Bound.COMPUTE) {
      return p;
    }
    return new Prediction(
        p.op(),
        p.mode(),
        p.seconds() * scale,
        p.lowSeconds() * scale,
        p.highSeconds() * scale,
        p.bound(),
        p.efficiency() / scale,
        p.solSeconds(),
        p.flops(),
        p.bytes(),
        p.notes());
  }

  @Override
  public Mode mode() {
    return times.mode();
  }
}
