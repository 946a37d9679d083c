package dev.hwplan.memory;

/** How an MLA model's cache is stored. */
public enum MlaLayout {
  /** The latent c^KV plus the RoPE key, once per token and layer (DeepSeek-V2 section 2.1.3). */
  LATENT,
  /**
   * Per-head K ({@code qk_nope + qk_rope}) and V ({@code v_head_dim}), as engines without latent
   * kernels store it after up-projection.
   */
  EXPANDED
}
