package dev.hwplan.model;

/**
 * One decoder layer as the calculators see it.
 *
 * @param index 0-based layer index
 * @param slidingWindow the local attention window in tokens, or null for global attention
 * @param moe whether the feed-forward block is a mixture of experts
 */
public record LayerSpec(int index, Integer slidingWindow, boolean moe) {
  /** Tokens this layer keeps in its KV cache at a given context length. */
  public long cachedTokens(long context) {
    return slidingWindow == null ? context : Math.min(context, slidingWindow);
  }
}
