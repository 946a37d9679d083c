package dev.hwplan.scaling;

/**
 * The FLOP approximations the scaling laws are stated in: C ≈ 6ND to train and ≈ 2N per generated
 * token to serve (Kaplan et al. 2020, Sec. 2.1; Hoffmann et al. 2022, Sec. 3.3 and App. F).
 */
public final class TrainingFlops {
  /** FLOPs per parameter per training token: 2 forward plus 4 backward (Kaplan 2020, Sec. 2.1). */
  public static final double PER_PARAM_PER_TOKEN = 6.0;

  private TrainingFlops() {}

  /** Training compute C ≈ 6ND (Kaplan 2020, Sec. 2.1). */
  public static double of(double params, double tokens) {
    return PER_PARAM_PER_TOKEN * params * tokens;
  }

  /** Tokens that a budget of {@code flops} buys for a model of {@code params}: D = C/(6N). */
  public static double tokens(double flops, double params) {
    return flops / (PER_PARAM_PER_TOKEN * params);
  }

  /**
   * Forward FLOPs per generated token, ≈ 2N (Kaplan 2020, Eq. 2.2), leaving out the attention term
   * 2·n_layer·n_ctx·d_attn, which is small while d_model > n_ctx/12.
   */
  public static double servingFlopsPerToken(double params) {
    return 2.0 * params;
  }
}
