package dev.hwplan.serving;

import dev.hwplan.io.InvalidInputException;

/**
 * One replica's engine: its scheduling policy and knobs and its paged KV cache.
 *
 * @param maxNumBatchedTokens the token budget of an iteration (vLLM's {@code
 *     max_num_batched_tokens})
 * @param maxNumSeqs requests running at once at most (vLLM's {@code max_num_seqs})
 * @param blockSize tokens per KV block
 * @param kvBlocks KV blocks of the replica (each GPU holds its share of every block)
 * @param swapBlocks blocks the host swap space holds ({@link Preemption#SWAP})
 * @param swapSecondsPerBlock the time to copy one block's share between one GPU and the host
 * @param engineOverheadSeconds CPU time of an iteration that the GPU waits for: scheduling, input
 *     preparation, sampling, detokenisation ({@link #DEFAULT_ENGINE_OVERHEAD_SECONDS})
 * @param prefixCaching automatic prefix caching: full blocks keep their content when freed, in LRU
 *     order, and a request whose prompt starts with cached content skips computing it ({@link
 *     KvBlocks}; vLLM V1 enables it by default); with sliding-window layers, as vLLM's hybrid KV
 *     cache manager does it ({@link HybridBlocks})
 * @param speculation speculative decoding, or null for none
 * @param footprint for models with sliding-window layers, the pool blocks a request holds for the
 *     logical blocks its tokens fill ({@link KvFootprint}); null: one pool block per logical block
 * @param microBatches pipeline parallelism's batches in flight: the replica runs this many engines
 *     (vLLM V0's virtual engines, one per PP stage), each with its own scheduler and {@code
 *     kvBlocks / microBatches} blocks, sharing the stages ({@link Pipeline}); 1: one batch passes
 *     the stages in turn
 * @param ranks expert parallelism's ranks: the replica runs this many engines (data-parallel
 *     attention ranks, each a TP x PP group with its own scheduler and {@code kvBlocks} blocks) in
 *     lockstep, every iteration as long as the slowest rank's, since the MoE layers' all-to-all
 *     joins them (vLLM's data-parallel deployment with expert parallelism; idle ranks run dummy
 *     batches). With both, the replica runs {@code microBatches x ranks} engines: each rank feeds
 *     its share of every micro-batch, and the ranks of one micro-batch pass the shared stages
 *     together ({@link Lockstep})
 */
public record EngineConfig(
    Policy policy,
    int maxNumBatchedTokens,
    int maxNumSeqs,
    int blockSize,
    long kvBlocks,
    Preemption preemption,
    long swapBlocks,
    double swapSecondsPerBlock,
    double engineOverheadSeconds,
    boolean prefixCaching,
    Speculation speculation,
    KvFootprint footprint,
    int microBatches,
    int ranks) {
  /**
   * The default per-iteration engine overhead: 2 ms. An assumption with a measured range behind it:
   * Srivatsa, Li, Zhang and Abhyankar (WukLab, "Can Scheduling Overhead Dominate LLM Inference
   * Performance?", 2024) measured SGLang's per-iteration scheduling at no more than 3 ms and vLLM
   * 0.5.4's at up to half of each iteration; vLLM V1 overlaps detokenisation and keeps a persistent
   * batch, so less of it stalls the GPU. Set it from a profile of the engine you run.
   */
  public static final double DEFAULT_ENGINE_OVERHEAD_SECONDS = 2e-3;

  /** vLLM V0's default host swap space per GPU ({@code --swap-space}): 4 GiB. */
  public static final long DEFAULT_SWAP_BYTES_PER_GPU = 4L << 30;

  /** vLLM V0 block manager's admission watermark: 1% of the blocks stay free. */
  public static final double WATERMARK = 0.01;

  public EngineConfig {
    if (maxNumSeqs <= 0) {
      throw InvalidInputException.option("--max-num-seqs", "must be positive, got " + maxNumSeqs);
    }
    if (blockSize <= 0) {
      throw InvalidInputException.option("--block-size", "must be positive, got " + blockSize);
    }
    if (maxNumBatchedTokens < blockSize) {
      throw InvalidInputException.option(
          "--max-num-batched-tokens",
          "a token budget of "
              + maxNumBatchedTokens
              + " is smaller than the KV block size of "
              + blockSize
              + " tokens");
    }
    if (kvBlocks <= 0) {
      throw InvalidInputException.option(
          "--gpu",
          "no KV blocks fit next to the weights and the activations of a "
              + maxNumBatchedTokens
              + "-token iteration: the model does not fit this layout");
    }
    if (!(engineOverheadSeconds >= 0) || !Double.isFinite(engineOverheadSeconds)) {
      throw InvalidInputException.option(
          "--engine-overhead-ms", "must be a non-negative time, got " + engineOverheadSeconds);
    }
    if (prefixCaching && kvBlocks > Integer.MAX_VALUE - 8) {
      throw InvalidInputException.option(
          "--prefix-caching", "too many KV blocks to name (" + kvBlocks + ")");
    }
    if (speculation != null && speculation.tokens() + 1 > maxNumBatchedTokens) {
      throw InvalidInputException.option(
          "--num-speculative-tokens",
          "a decode verifies "
              + (speculation.tokens() + 1)
              + " tokens, more than the token budget of "
              + maxNumBatchedTokens);
    }
    if (swapBlocks < 0 || !(swapSecondsPerBlock >= 0)) {
      throw new IllegalArgumentException("swap space and time must not be negative");
    }
    if (microBatches <= 0 || ranks <= 0) {
      throw new IllegalArgumentException(
          "micro-batches and ranks must be positive: " + microBatches + ", " + ranks);
    }
    if (kvBlocks / microBatches <= 0) {
      throw InvalidInputException.option(
          "--pp", "no KV blocks for each of the " + microBatches + " micro-batches' engines");
    }
    if (prefixCaching && footprint != null && footprint.window() == null) {
      throw InvalidInputException.option(
          "--prefix-caching",
          "is simulated for models whose sliding-window layers share one window; use"
              + " --no-prefix-caching");
    }
    if (prefixCaching && footprint != null && policy.wholePromptAdmission()) {
      throw InvalidInputException.option(
          "--prefix-caching",
          "with sliding-window layers is simulated for the vllm policy (vLLM V1's hybrid KV cache"
              + " manager, which allocates step by step); "
              + policy.key()
              + " admits whole prompts: use --no-prefix-caching");
    }
  }

  /** The same engine with prefix caching on or off. */
  public EngineConfig withPrefixCaching(boolean on) {
    return with(on, speculation);
  }

  /** The same engine with speculative decoding {@code s} (null: none). */
  public EngineConfig withSpeculation(Speculation s) {
    return with(prefixCaching, s);
  }

  private EngineConfig with(boolean caching, Speculation s) {
    return new EngineConfig(
        policy,
        maxNumBatchedTokens,
        maxNumSeqs,
        blockSize,
        kvBlocks,
        preemption,
        swapBlocks,
        swapSecondsPerBlock,
        engineOverheadSeconds,
        caching,
        s,
        footprint,
        microBatches,
        ranks);
  }

  /** KV blocks of one engine: a micro-batch's share of one rank's (kvBlocks is a rank's). */
  public long engineBlocks() {
    return kvBlocks / microBatches;
  }

  /** Host swap blocks of one engine (vLLM V0 divides them over the virtual engines too). */
  long engineSwapBlocks() {
    return swapBlocks / microBatches;
  }

  /** Engines a replica runs: its micro-batches times its ranks. */
  public int engines() {
    return microBatches * ranks;
  }

  /** Blocks admission keeps free under the whole-prompt policies. */
  long watermarkBlocks() {
    return policy.wholePromptAdmission() ? (long) Math.floor(WATERMARK * engineBlocks()) : 0;
  }

  /**
   * The most tokens one request may hold: what fits in the cache above the watermark (with
   * sliding-window layers, the longest request whose footprint fits, at most the model's context;
   * with prefix caching too, whose peak fits: a step's chunk keeps its sliding blocks until the
   * next step, as vLLM's {@code SlidingWindowSpec.max_memory_usage_bytes} counts).
   */
  public long maxRequestTokens() {
    long available = engineBlocks() - watermarkBlocks();
    if (footprint == null) {
      return available * blockSize;
    }
    return (prefixCaching
            ? footprint.mostLogicalCached(available, maxNumBatchedTokens)
            : footprint.mostLogical(available))
        * blockSize;
  }

  /** Pool blocks a request holds when its tokens fill {@code logical} blocks. */
  long poolBlocks(long logical) {
    return footprint == null ? logical : footprint.blocks(logical);
  }
}
