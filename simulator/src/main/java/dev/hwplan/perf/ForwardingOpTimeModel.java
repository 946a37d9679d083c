package dev.hwplan.perf;

import dev.hwplan.op.Op;

/** An op-time model that answers as the model it wraps; subclasses add to that. */
public abstract class ForwardingOpTimeModel implements OpTimeModel {
  private final OpTimeModel model;

  protected ForwardingOpTimeModel(OpTimeModel model) {
    this.model = model;
  }

  @Override
  public Prediction predict(Op op) {
    return model.predict(op);
  }

  @Override
  public Mode mode() {
    return model.mode();
  }

  @Override
  public StepSpread stepSpread() {
    return model.stepSpread();
  }
}
