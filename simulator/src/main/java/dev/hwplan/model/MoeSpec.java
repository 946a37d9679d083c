package dev.hwplan.model;

/**
 * Mixture of experts, with fields named after the HF keys: {@code n_routed_experts} (Mixtral:
 * {@code num_local_experts}), {@code num_experts_per_tok}, {@code n_shared_experts}, {@code
 * moe_intermediate_size} (Mixtral: {@code intermediate_size}), {@code first_k_dense_replace} and
 * {@code moe_layer_freq}. {@code routerBias} is DeepSeek-V3's {@code e_score_correction_bias}
 * (present with {@code topk_method: noaux_tc}).
 */
public record MoeSpec(
    int nRoutedExperts,
    int numExpertsPerTok,
    int nSharedExperts,
    int moeIntermediateSize,
    int firstKDenseReplace,
    int moeLayerFreq,
    boolean routerBias) {

  /** Routed experts on every layer, no shared expert (Mixtral, Qwen3-MoE, gpt-oss). */
  public static MoeSpec routed(int experts, int perToken, int intermediate, boolean routerBias) {
    return new MoeSpec(experts, perToken, 0, intermediate, 0, 1, routerBias);
  }

  /** Whether layer {@code i} (0-based) is an MoE layer, per DeepSeek's modeling code. */
  public boolean isMoeLayer(int i) {
    return i >= firstKDenseReplace && i % moeLayerFreq == 0;
  }
}
