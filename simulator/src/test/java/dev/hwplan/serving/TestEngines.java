package dev.hwplan.serving;

/** Engines for the serving tests. */
final class TestEngines {
  private TestEngines() {}

  /**
   * A recompute engine without swap space or engine overhead, prefix caching, speculation or
   * sliding-window footprint: one micro-batch, one rank; {@code budget} and {@code seqs} are vLLM's
   * {@code max_num_batched_tokens} and {@code max_num_seqs}.
   */
  static EngineConfig recompute(Policy p, int budget, int seqs, int block, long blocks) {
    return new EngineConfig(
        p, budget, seqs, block, blocks, Preemption.RECOMPUTE, 0, 0, 0, false, null, null, 1, 1);
  }
}
