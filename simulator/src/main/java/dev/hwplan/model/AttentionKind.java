package dev.hwplan.model;

/**
 * How a model's attention stores keys and values (DeepSeek-V2 paper, Table 1): MHA caches {@code 2
 * n_h d_h} elements per token and layer, GQA {@code 2 n_g d_h}, MQA {@code 2 d_h}, and MLA one
 * latent of {@code d_c + d_h^R} elements.
 */
public enum AttentionKind {
  MHA,
  GQA,
  MQA,
  MLA;

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The kind a config with these head counts has (MLA is read from its own keys). */
  static AttentionKind of(int heads, int kvHeads) {
    if (kvHeads == heads) {
      return MHA;
    }
    return kvHeads == 1 ? MQA : GQA;
  }
}
