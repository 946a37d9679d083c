package dev.hwplan.serving;

/**
 * The pipeline stages of one replica, shared by the engines that feed it micro-batches (vLLM V0
 * runs one scheduler per PP stage, its "virtual engines", and keeps up to that many batches in
 * flight; vLLM V1 keeps a batch queue as deep as the stages, and TensorRT-LLM schedules as many
 * micro-batches). An iteration's step time covers every layer (the step model runs the stages in
 * turn), so each of the {@code p} stages takes {@code seconds / p} of it (layers split evenly). A
 * batch enters the first stage once its engine is ready and that stage is free, and each next stage
 * once the batch left the one before and the stage finished the batch ahead of it: the flow shop
 * {@code C(b, k) = max(C(b, k-1), C(b-1, k)) + seconds(b) / p}. One batch alone takes the whole
 * step (the other stages idle: the bubble); {@code p} equal batches keep every stage busy.
 */
final class Pipeline {
  /** When each stage finishes the last batch it was given. */
  private final double[] stageFree;

  Pipeline(int stages) {
    if (stages <= 0) {
      throw new IllegalArgumentException("a pipeline needs stages: " + stages);
    }
    this.stageFree = new double[stages];
  }

  /**
   * Passes a batch of {@code seconds} of step time, ready at {@code ready}, through the stages;
   * returns when it leaves the last one.
   */
  double pass(double ready, double seconds) {
    return pass(ready, seconds, true);
  }

  /**
   * When an iteration of {@code seconds} of GPU time that starts at {@code now}, its engine
   * overhead first, ends: without a pipeline, both later; an EP rank's ({@code lockstep}) only
   * peeks, since its micro-batch's ranks pass the stages together ({@link Lockstep#align}).
   */
  static double end(Pipeline p, boolean lockstep, double now, double overhead, double seconds) {
    if (p == null) {
      return now + seconds + overhead;
    }
    return lockstep ? p.peek(now + overhead, seconds) : p.pass(now + overhead, seconds);
  }

  /** When a batch of {@code seconds}, ready at {@code ready}, would leave; the stages unchanged. */
  double peek(double ready, double seconds) {
    return pass(ready, seconds, false);
  }

  private double pass(double ready, double seconds, boolean take) {
    double perStage = seconds / stageFree.length;
    double t = ready;
    for (int k = 0; k < stageFree.length; k++) {
      t = Math.max(t, stageFree[k]) + perStage;
      if (take) {
        stageFree[k] = t;
      }
    }
    return t;
  }
}
