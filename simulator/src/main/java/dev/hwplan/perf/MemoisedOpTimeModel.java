package dev.hwplan.perf;

import dev.hwplan.op.Op;
import dev.hwplan.util.BoundedMemo;
import java.util.function.Function;

/**
 * An op-time model that remembers its predictions, keyed by the op's value (name, kind, type, work
 * and shape; the count does not enter a prediction, see {@code StepModel.sum}). Estimates, sweeps
 * and simulators ask the same shapes again and again: a hit is one hash probe instead of the time
 * models' arithmetic. Bounded and thread-safe ({@link BoundedMemo}); a hit returns the prediction
 * the wrapped model gave for an equal op, so callers see no difference but speed.
 */
public final class MemoisedOpTimeModel implements OpTimeModel {
  /** Distinct ops remembered before the memo is emptied. */
  static final int CAPACITY = 1 << 15;

  private final OpTimeModel model;
  private final Function<Op, Prediction> predict;
  private final BoundedMemo<Op, Prediction> memo = new BoundedMemo<>(CAPACITY);

  /** {@code model}'s predictions, remembered. */
  public MemoisedOpTimeModel(OpTimeModel model) {
    this.model = model;
    this.predict = model::predict;
  }

  @Override
  public Prediction predict(Op op) {
    return memo.get(op.count() == 1 ? op : op.times(1), predict);
  }

  @Override
  public Mode mode() {
    return model.mode();
  }
}
