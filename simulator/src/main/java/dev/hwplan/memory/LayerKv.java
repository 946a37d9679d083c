package dev.hwplan.memory;

/**
 * One layer's KV cache.
 *
 * @param slidingWindow the window in tokens, or null for a global layer
 * @param bytesPerToken bytes this layer stores per cached token
 * @param cachedTokens tokens this layer keeps per sequence at the requested context
 * @param totalBytes bytes for the whole batch
 */
public record LayerKv(
    int index, Integer slidingWindow, long bytesPerToken, long cachedTokens, long totalBytes) {}
