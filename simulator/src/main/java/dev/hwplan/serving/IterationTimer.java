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

  /**
   * The time of a speculative-decoding verify iteration: as {@link #seconds}, each decode sequence
   * adding {@code queriesPerDecode} (k + 1) tokens. The default, for synthetic timers, counts each
   * query as a decode sequence of the same context.
   */
  default double seconds(
      long decodes,
      long decodeContextTokens,
      int queriesPerDecode,
      int chunks,
      long[] chunkTokens,
      long[] chunkPrefix) {
    return seconds(
        decodes * queriesPerDecode,
        decodeContextTokens * queriesPerDecode,
        chunks,
        chunkTokens,
        chunkPrefix);
  }

  /** Iteration times from the step model's table (the calibrated GPU time of the composition). */
  static IterationTimer of(StepTimeTable table) {
    return new IterationTimer() {
      @Override
      public double seconds(long n, long ctx, int chunks, long[] tokens, long[] prefix) {
        return table.seconds(n, ctx, chunks, tokens, prefix);
      }

      @Override
      public double seconds(long n, long ctx, int q, int chunks, long[] tokens, long[] prefix) {
        return table.seconds(n, ctx, q, chunks, tokens, prefix);
      }
    };
  }
}
