package dev.hwplan.op;

import java.util.Locale;

/** The kinds of operator in a transformer step. */
public enum OpKind {
  GEMM,
  /** The expert GEMMs of an MoE layer, launched as one grouped GEMM. */
  GROUPED_GEMM,
  ATTENTION_PREFILL,
  ATTENTION_DECODE,
  /** The backward pass of causal prefill attention (dQ, dK, dV), for training. */
  ATTENTION_BACKWARD,
  /** MLA decode attention over the latent cache (DeepSeek-V2 section 2.1.3, absorbed form). */
  MLA_DECODE,
  /** Norms, RoPE, residual adds, activations, cache writes: memory-bound elementwise kernels. */
  ELEMENTWISE,
  /** Embedding row gather. */
  EMBEDDING,
  COLLECTIVE,
  /** Point-to-point activation transfer between pipeline stages. */
  P2P;

  private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The lower-case key used in JSON and on the command line. */
  public String key() {
    return key;
  }
}
