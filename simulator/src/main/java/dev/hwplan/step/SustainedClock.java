package dev.hwplan.step;

import dev.hwplan.op.Op;
import dev.hwplan.op.OpKind;
import dev.hwplan.perf.ForwardingOpTimeModel;
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
 *
 * <p>The grouped GEMM is the other way round: its calibration rows ({@code grouped_gemm.py}) time
 * each launch back to back for a tenth of a second and more, at the board's power limit, and inside
 * a step, between memory-bound kernels, the same launch runs faster. Its compute-bound predictions
 * in a step are scaled by {@link #IN_STEP_GROUPED_SCALE} as well (issue 15, freeze XI).
 */
final class SustainedClock extends ForwardingOpTimeModel {
  /**
   * The factor on a compute-bound grouped GEMM's calibrated time inside a step. The mechanism was
   * measured on an H100 ({@code kernels/cuda/results/h100-sxm/grouped-duty.json}, {@code
   * grouped_duty.py}, 2026-12-07, power limit 700 W): Mixtral-8x7B's 8-expert down projection (1.7
   * ms) back to back drew 697 W with the SM clock at 1380 MHz, and ran 13% faster with a copy or an
   * idle spin of its own length after each (clock 1875 to 1980 MHz); its fused gate/up projection
   * (3.3 ms) ran 6 to 7% faster so (the first setting's clock samples fell mostly in the profiler's
   * start-up); 128 experts of 23 ms ran at 1320 MHz back to back, 8.5% faster between idle spins
   * and 2.8% between copies, which draw power of their own. The value is fitted on the training
   * steps alone: the median, over the prefill rows of {@code
   * kernels/cuda/results/h200-sxm/step-profiles-train.json} whose grouped GEMMs are compute-bound
   * and both graphs ({@code graph}, {@code fused}), of the measured grouped-kernel time in the step
   * over the calibrated model's ({@code InStepGroupedScaleTest}).
   */
  static final double IN_STEP_GROUPED_SCALE = 0.927;

  private final double scale;
  private final double groupedScale;

  private SustainedClock(OpTimeModel times, double scale, double groupedScale) {
    super(times);
    this.scale = scale;
    this.groupedScale = groupedScale;
  }

  /** A model for equal keys predicts alike: the wrapped model's value and the scales. */
  private record Key(OpTimeModel times, double scale, double groupedScale) {}

  /**
   * {@code times} inside a step: compute-bound predictions scaled by {@code scale}, and those of
   * grouped GEMMs by {@link #IN_STEP_GROUPED_SCALE} too. A model with value equality ({@link
   * KeyedOpTimeModel}) stays one, so step-time memos still key on it by value.
   */
  static OpTimeModel of(OpTimeModel times, double scale) {
    return of(times, scale, IN_STEP_GROUPED_SCALE);
  }

  /** {@link #of(OpTimeModel, double)} with the grouped GEMM's factor {@code groupedScale}. */
  static OpTimeModel of(OpTimeModel times, double scale, double groupedScale) {
    if (scale == 1 && groupedScale == 1) {
      return times;
    }
    return KeyedOpTimeModel.like(
        times, new SustainedClock(times, scale, groupedScale), new Key(times, scale, groupedScale));
  }

  @Override
  public Prediction predict(Op op) {
    Prediction p = super.predict(op);
    if (p.bound() != Bound.COMPUTE) {
      return p;
    }
    double scale =
        op.kind() == OpKind.GROUPED_GEMM && p.mode() != Mode.SOL
            ? this.scale * groupedScale
            : this.scale;
    if (scale == 1) {
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
}
