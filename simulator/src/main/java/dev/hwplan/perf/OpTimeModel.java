package dev.hwplan.perf;

import dev.hwplan.op.Op;

/** Predicts the time of one execution of an op on one GPU. */
public interface OpTimeModel {
  Prediction predict(Op op);

  Mode mode();
}
