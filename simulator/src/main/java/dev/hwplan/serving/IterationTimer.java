package dev.hwplan.serving;

import dev.hwplan.step.StepTimeTable;

/**
 * The time of one engine iteration from its composition: {@code decodes} decode sequences attending
 * to {@code decodeContextTokens} tokens in all, and {@code chunks} prefill chunks (chunk {@code i}:
 * {@code chunkTokens[i]} new tokens after {@code chunkPrefix[i]} cached ones). The simulator's one
 * source of GPU time: {@link #of(StepTimeTable)} reads the step model; tests inject synthetic
 * service times through the same seam (queueing-theory checks).
 */
@FunctionalInterface
public interface IterationTimer {
  double seconds(
      long decodes, long decodeContextTokens, int chunks, long[] chunkTokens, long[] chunkPrefix);

  /** Iteration times from the step model's table (the calibrated GPU time of the composition). */
  static IterationTimer of(StepTimeTable table) {
    return table::seconds;
  }
}
