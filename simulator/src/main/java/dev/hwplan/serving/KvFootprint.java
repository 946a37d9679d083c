package dev.hwplan.serving;

import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.step.StepConfig;

/**
 * The KV blocks of a replica's pool that a request occupies, for models with sliding-window layers
 * (Gemma 2 and 3, gpt-oss, Mistral 7B). A pool block is what the memory model counts ({@link
 * dev.hwplan.memory.InferenceMemory#kvBytesPerBlock()}): {@code blockSize} tokens of every layer on
 * the largest pipeline stage's GPU. A request whose tokens fill {@code b} logical blocks holds, on
 * each full-attention layer, all {@code b} blocks, and on each sliding-window layer only the blocks
 * of its window, {@code min(b, ceil(W / blockSize))}, as vLLM's hybrid KV cache manager keeps them
 * (its {@code SlidingWindowManager} frees the blocks that fall out of the window). The bytes are
 * {@link KvCacheCalculator#sequenceBytesPerGpu} of {@code b x blockSize} tokens, the one definition
 * of KV bytes per GPU, plus the drafter's KV when speculative decoding adds one; the request holds
 * those bytes in whole pool blocks, rounded up.
 *
 * <p>Two simplifications against vLLM: vLLM groups layers of a kind into KV-cache groups of equal
 * size and pads the last group (for Gemma 3 27B, 52 sliding layers in 6 groups of 10), and its
 * sliding layers hold the block being written next to the window; here the bytes are exactly the
 * layers' and the window's.
 */
public final class KvFootprint {
  private final StepConfig step;
  private final int blockSize;
  private final long blockBytes;
  private final long extraBytesPerToken;
  private final long maxLogical;
  private final long[] memo;

  /**
   * @param step the model, its layout and KV dtype
   * @param blockSize tokens per block
   * @param blockBytes the bytes of one pool block on one GPU
   * @param extraBytesPerToken KV bytes per token per GPU outside the model's layers (a drafter's),
   *     kept for every token
   * @param maxTokens the most tokens a request can have (the model's context)
   */
  KvFootprint(
      StepConfig step, int blockSize, long blockBytes, long extraBytesPerToken, long maxTokens) {
    if (blockBytes <= 0) {
      throw new IllegalArgumentException("a KV block must have bytes: " + blockBytes);
    }
    this.step = step;
    this.blockSize = blockSize;
    this.blockBytes = blockBytes;
    this.extraBytesPerToken = extraBytesPerToken;
    this.maxLogical = (maxTokens + blockSize - 1) / blockSize;
    this.memo = new long[(int) Math.min(maxLogical + 1, 1 << 17)];
  }

  /** The footprint of {@code step}'s model, or null when no layer has a sliding window. */
  static KvFootprint of(
      StepConfig step, int blockSize, long blockBytes, long extraBytesPerToken, long maxTokens) {
    return step.model().hasSlidingWindow()
        ? new KvFootprint(step, blockSize, blockBytes, extraBytesPerToken, maxTokens)
        : null;
  }

  /**
   * The window of the model's sliding-window layers when they share one (every model with sliding
   * layers in the catalog), else null: prefix caching ({@link HybridBlocks}) needs it.
   */
  Integer window() {
    Integer w = null;
    for (var l : step.model().layers()) {
      if (l.slidingWindow() != null) {
        if (w != null && !w.equals(l.slidingWindow())) {
          return null;
        }
        w = l.slidingWindow();
      }
    }
    return w;
  }

  /**
   * KV bytes on one GPU of one logical block ({@code blockSize} tokens) of the full-attention
   * layers ({@code sliding} false, with the drafter's KV) or of the sliding-window layers, on the
   * pipeline stage with the most full-attention layers (then the most sliding ones): the stage
   * whose cache grows fastest with the context.
   */
  long layerBlockBytes(boolean sliding) {
    var m = step.model();
    int perStage = step.parallelism().layersPerStage(m);
    int stages = (m.numHiddenLayers() + perStage - 1) / perStage;
    int[] full = new int[stages];
    int[] windowed = new int[stages];
    for (var l : m.layers()) {
      int st = l.index() / perStage;
      if (l.slidingWindow() == null) {
        full[st]++;
      } else {
        windowed[st]++;
      }
    }
    int best = 0;
    for (int st = 1; st < stages; st++) {
      if (full[st] > full[best] || (full[st] == full[best] && windowed[st] > windowed[best])) {
        best = st;
      }
    }
    long perLayer =
        (long) blockSize
            * KvCacheCalculator.bytesPerTokenPerLayer(
                m, step.kv(), step.mlaLayout(), step.parallelism().tp());
    return sliding
        ? windowed[best] * perLayer
        : full[best] * perLayer + blockSize * extraBytesPerToken;
  }

  /**
   * The most logical blocks a request may fill, with prefix caching ({@link HybridBlocks}), while
   * its peak holds at most {@code available} pool blocks: every full-attention entry, and the
   * sliding entries of its window and of a step's chunk of up to {@code budget} tokens, {@code
   * ceil((W - 1 + budget) / blockSize) + 1} (vLLM's {@code SlidingWindowSpec}
   * max_memory_usage_bytes, and a block for the chunk's alignment).
   */
  long mostLogicalCached(long available, int budget) {
    long bytes = available * blockBytes;
    long f = layerBlockBytes(false);
    long s = layerBlockBytes(true);
    long cap = (window() - 1L + budget + blockSize - 1) / blockSize + 1;
    long most;
    if (cap * (f + s) >= bytes) {
      most = bytes / (f + s);
    } else {
      most = f == 0 ? maxLogical : (bytes - cap * s) / f;
    }
    return Math.min(most, maxLogical);
  }

  /** Bytes of one pool block on one GPU. */
  long blockBytes() {
    return blockBytes;
  }

  /** Logical blocks of the longest request: the model's context in blocks. */
  public long maxLogicalBlocks() {
    return maxLogical;
  }

  /** KV bytes per GPU of a request that fills {@code logical} blocks. */
  public long bytes(long logical) {
    long tokens = logical * blockSize;
    return KvCacheCalculator.sequenceBytesPerGpu(
            step.model(), step.kv(), step.mlaLayout(), step.parallelism(), tokens, blockSize)
        + tokens * extraBytesPerToken;
  }

  /** Pool blocks that a request filling {@code logical} blocks holds (memoised). */
  public long blocks(long logical) {
    if (logical <= 0) {
      return 0;
    }
    if (logical < memo.length) {
      long v = memo[(int) logical];
      if (v == 0) {
        long b = bytes(logical);
        v = b / blockBytes + (b % blockBytes == 0 ? 0 : 1);
        memo[(int) logical] = v;
      }
      return v;
    }
    long b = bytes(logical);
    return b / blockBytes + (b % blockBytes == 0 ? 0 : 1);
  }

  /**
   * The most logical blocks a request may fill while holding at most {@code available} pool blocks
   * (capped at the model's context): the footprint grows with the logical blocks, so a bisection.
   */
  public long mostLogical(long available) {
    if (blocks(maxLogical) <= available) {
      return maxLogical;
    }
    long lo = 0;
    long hi = maxLogical;
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (blocks(mid) <= available) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
