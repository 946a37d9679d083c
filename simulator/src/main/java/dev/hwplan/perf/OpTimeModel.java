package dev.hwplan.perf;

import dev.hwplan.op.Op;

/** Predicts the time of one execution of an op on one GPU. */
public interface OpTimeModel {
  Prediction predict(Op op);

  Mode mode();

  /**
   * How far measured whole steps fell from this model's predictions of them, where whole steps were
   * measured on this model's GPU; null where none were (the default).
   */
  default StepSpread stepSpread() {
    return null;
  }
}
