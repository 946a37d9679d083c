package dev.hwplan.kernels;

/**
 * The shape of one decode-attention call: one query token per sequence against a KV cache of {@code
 * context} tokens. {@code kvHeads == heads} is MHA, {@code kvHeads == 1} is MQA, anything between
 * is GQA (Ainslie et al. 2023).
 */
public record AttentionShape(int batch, int heads, int kvHeads, int headDim, int context) {
  public AttentionShape {
    Bounds.positive(batch, "batch");
    Bounds.positive(heads, "heads");
    Bounds.positive(kvHeads, "kvHeads");
    Bounds.positive(headDim, "headDim");
    Bounds.positive(context, "context");
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
    }
  }

  /** {@code "mha"}, {@code "gqa"} or {@code "mqa"}. */
  public String kind() {
    return kvHeads == heads ? "mha" : kvHeads == 1 ? "mqa" : "gqa";
  }

  /** Query heads that share one KV head. */
  public int groupSize() {
    return heads / kvHeads;
  }

  /** The softmax scale 1/sqrt(headDim) of Vaswani et al. 2017. */
  public float scale() {
    return (float) (1.0 / Math.sqrt(headDim));
  }

  /** Elements of q and of the output. */
  public long queryElements() {
    return (long) batch * heads * headDim;
  }

  /** Elements of K, and of V. */
  public long cacheElements() {
    return (long) batch * kvHeads * context * headDim;
  }

  /** FLOP: 2·headDim for q·k and 2·headDim for p·v, per head and token. */
  public double flops() {
    return 4.0 * batch * heads * (double) context * headDim;
  }

  /** Bytes of K and V read, at the given storage width. */
  public double cacheBytes(int bytesPerElement) {
    return 2.0 * cacheElements() * bytesPerElement;
  }

  @Override
  public String toString() {
    return String.format(
        "%s b=%d h=%d kv=%d d=%d ctx=%d", kind(), batch, heads, kvHeads, headDim, context);
  }
}
