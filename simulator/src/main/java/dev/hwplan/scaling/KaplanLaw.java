package dev.hwplan.scaling;

/**
 * Kaplan et al. 2020's power laws, for comparison with Chinchilla's. N counts non-embedding
 * parameters, loss is in nats on WebText2, and there is no irreducible term.
 *
 * @param alphaN exponent of L(N)
 * @param nc N_c, in non-embedding parameters
 * @param alphaD exponent of L(D)
 * @param dc D_c, in tokens
 */
public record KaplanLaw(double alphaN, double nc, double alphaD, double dc) implements LossLaw {
  /**
   * The joint fit of L(N, D) (Kaplan 2020, Table 2): α_N 0.076, α_D 0.103, N_c 6.4e13, D_c 1.8e13.
   */
  public static final KaplanLaw JOINT = new KaplanLaw(0.076, 6.4e13, 0.103, 1.8e13);

  /**
   * The separate fits of L(N) and L(D) (Kaplan 2020, Eqs. 1.1-1.2 and Table 4): α_N 0.076, N_c
   * 8.8e13; α_D 0.095, D_c 5.4e13.
   */
  public static final KaplanLaw SEPARATE = new KaplanLaw(0.076, 8.8e13, 0.095, 5.4e13);

  /** One PF-day in FLOP: 10^15 × 24 × 3600 (Kaplan 2020, Sec. 1.3). */
  public static final double PF_DAY = 8.64e19;

  public KaplanLaw {
    if (!(alphaN > 0 && nc > 0 && alphaD > 0 && dc > 0)) {
      throw new IllegalArgumentException("Kaplan constants must be positive");
    }
  }

  /** L(N) = (N_c/N)^{α_N}, data unlimited and training to convergence (Kaplan 2020, Eq. 1.1). */
  public double lossOfParams(double params) {
    return Math.pow(nc / params, alphaN);
  }

  /** L(D) = (D_c/D)^{α_D}, a large model with early stopping (Kaplan 2020, Eq. 1.2). */
  public double lossOfTokens(double tokens) {
    return Math.pow(dc / tokens, alphaD);
  }

  /** L(N, D) = [(N_c/N)^{α_N/α_D} + D_c/D]^{α_D} (Kaplan 2020, Eq. 1.5). */
  @Override
  public double loss(double params, double tokens) {
    return Math.pow(Math.pow(nc / params, alphaN / alphaD) + dc / tokens, alphaD);
  }

  /**
   * Kaplan's compute-efficient model size N_opt = 1.3e9 · C_min^0.73, C_min in PF-days (Table 5).
   */
  public static double computeEfficientParams(double flops) {
    return 1.3e9 * Math.pow(flops / PF_DAY, 0.73);
  }

  /** Kaplan's compute-efficient data D_opt = 2e10 · C_min^0.27, C_min in PF-days (Table 5). */
  public static double computeEfficientTokens(double flops) {
    return 2e10 * Math.pow(flops / PF_DAY, 0.27);
  }
}
