package dev.hwplan.model;

/**
 * Multi-head latent attention (DeepSeek-V2, arXiv:2405.04434, section 2.1), with fields named after
 * the HF keys: {@code q_lora_rank} (null when queries are not compressed), {@code kv_lora_rank}
 * (d_c), {@code qk_nope_head_dim}, {@code qk_rope_head_dim} (d_h^R) and {@code v_head_dim}.
 */
public record MlaSpec(
    Integer qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim) {

  /** Elements cached per token and layer: the latent plus the decoupled RoPE key, once. */
  public int latentElementsPerToken() {
    return kvLoraRank + qkRopeHeadDim;
  }

  /** Query/key head dimension: the no-position part plus the RoPE part. */
  public int qkHeadDim() {
    return qkNopeHeadDim + qkRopeHeadDim;
  }
}
