package dev.hwplan.kernels;

/**
 * The shape of one absorbed MLA decode call (DeepSeek-V2, arXiv:2405.04434, §2.1.2-2.1.3): every
 * token caches one latent of {@code kvLoraRank} plus one decoupled RoPE key of {@code ropeDim},
 * shared by all heads.
 *
 * @param softmaxScale 1/sqrt(qk head dim), where the qk head dim is the nope part plus the rope
 *     part (128 + 64 for DeepSeek-V2/V3), which the latent shape alone does not give
 */
public record MlaShape(
    int batch, int heads, int kvLoraRank, int ropeDim, int context, float softmaxScale) {
  public MlaShape {
    Bounds.positive(batch, "batch");
    Bounds.positive(heads, "heads");
    Bounds.positive(kvLoraRank, "kvLoraRank");
    Bounds.positive(ropeDim, "ropeDim");
    Bounds.positive(context, "context");
    if (!(softmaxScale > 0) || Float.isInfinite(softmaxScale)) {
      throw new IllegalArgumentException("softmaxScale must be positive, got " + softmaxScale);
    }
  }

  /**
   * DeepSeek-V3's MLA (config.json: kv_lora_rank 512, qk_rope_head_dim 64, qk_nope_head_dim 128,
   * 128 heads).
   */
  public static MlaShape deepSeekV3(int batch, int heads, int context) {
    return new MlaShape(batch, heads, 512, 64, context, (float) (1.0 / Math.sqrt(128 + 64)));
  }

  /** Elements of the cached latents. */
  public long latentElements() {
    return (long) batch * context * kvLoraRank;
  }

  /** Elements of the cached RoPE keys. */
  public long ropeElements() {
    return (long) batch * context * ropeDim;
  }

  /** FLOP: 2·(rank + ropeDim) for the score and 2·rank for the output, per head and token. */
  public double flops() {
    return 2.0 * batch * heads * (double) context * (2L * kvLoraRank + ropeDim);
  }

  /** Bytes of cache read, at the given storage width. */
  public double cacheBytes(int bytesPerElement) {
    return (double) (latentElements() + ropeElements()) * bytesPerElement;
  }

  @Override
  public String toString() {
    return String.format(
        "mla b=%d h=%d rank=%d rope=%d ctx=%d", batch, heads, kvLoraRank, ropeDim, context);
  }
}
