package dev.hwplan.scaling;

/**
 * The Chinchilla parametric loss L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Eq. 2) and its
 * compute-optimal frontier under C ≈ 6ND (Eq. 4). E is the irreducible loss of natural text; A/N^α
 * is what a finite model costs and B/D^β what finite data costs.
 *
 * @param e irreducible loss E, in nats per token
 * @param a the model-size coefficient A
 * @param b the data coefficient B
 * @param alpha the model-size exponent α
 * @param beta the data exponent β
 */
public record ChinchillaLaw(double e, double a, double b, double alpha, double beta)
    implements LossLaw {
  public ChinchillaLaw {
    requirePositive(e, "E");
    requirePositive(a, "A");
    requirePositive(b, "B");
    requirePositive(alpha, "alpha");
    requirePositive(beta, "beta");
  }

  /**
   * The law from the fit's internal parameters (a, b, e, α, β) with A = e^a, B = e^b, E = e^e
   * (Hoffmann 2022, App. D.2, Eq. 11).
   */
  public static ChinchillaLaw fromLogParams(
      double logA, double logB, double logE, double alpha, double beta) {
    return new ChinchillaLaw(Math.exp(logE), Math.exp(logA), Math.exp(logB), alpha, beta);
  }

  /** L(N, D) = E + A/N^α + B/D^β (Hoffmann 2022, Eq. 2). */
  @Override
  public double loss(double params, double tokens) {
    return e + paramsTerm(params) + dataTerm(tokens);
  }

  /** A/N^α: the loss a model of {@code params} parameters adds over an infinite one. */
  public double paramsTerm(double params) {
    return a * Math.pow(params, -alpha);
  }

  /** B/D^β: the loss {@code tokens} of data add over infinite data. */
  public double dataTerm(double tokens) {
    return b * Math.pow(tokens, -beta);
  }

  /** G = (αA/(βB))^{1/(α+β)} (Hoffmann 2022, Eq. 4). */
  public double g() {
    return Math.pow(alpha * a / (beta * b), 1.0 / (alpha + beta));
  }

  /** The exponent of N_opt ∝ C^a: a = β/(α+β) (Hoffmann 2022, Eq. 4). */
  public double paramsExponent() {
    return beta / (alpha + beta);
  }

  /** The exponent of D_opt ∝ C^b: b = α/(α+β) (Hoffmann 2022, Eq. 4). */
  public double tokensExponent() {
    return alpha / (alpha + beta);
  }

  /** N_opt(C) = G (C/6)^{β/(α+β)} (Hoffmann 2022, Eq. 4). */
  public double optimalParams(double flops) {
    return g() * Math.pow(flops / TrainingFlops.PER_PARAM_PER_TOKEN, paramsExponent());
  }

  /** D_opt(C) = G^{-1} (C/6)^{α/(α+β)} (Hoffmann 2022, Eq. 4). */
  public double optimalTokens(double flops) {
    return Math.pow(flops / TrainingFlops.PER_PARAM_PER_TOKEN, tokensExponent()) / g();
  }

  /** The compute-optimal model and data for a budget of {@code flops} (Hoffmann 2022, Eq. 4). */
  public Allocation optimal(double flops) {
    requirePositive(flops, "flops");
    double n = optimalParams(flops);
    double d = optimalTokens(flops);
    return new Allocation(flops, n, d, loss(n, d));
  }

  /** The loss of a model of {@code params} trained for {@code flops} (one point of an isoFLOP). */
  public Allocation atFlops(double flops, double params) {
    double d = TrainingFlops.tokens(flops, params);
    return new Allocation(flops, params, d, loss(params, d));
  }

  /**
   * The loss along the compute-optimal frontier: L(C) = E + K (C/6)^{-γ} with γ = αβ/(α+β) and K =
   * A G^{-α} + B G^{β} (Eq. 2 evaluated at Eq. 4's N_opt and D_opt).
   */
  public double frontierLoss(double flops) {
    return e
        + frontierCoefficient() * Math.pow(flops / TrainingFlops.PER_PARAM_PER_TOKEN, -gamma());
  }

  /**
   * The least compute that reaches {@code targetLoss}, trained compute-optimally: the inverse of
   * {@link #frontierLoss}, C = 6 (K/(L − E))^{1/γ}. Infinite where the target is at or below E.
   */
  public double flopsToReach(double targetLoss) {
    double excess = targetLoss - e;
    if (!(excess > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    return TrainingFlops.PER_PARAM_PER_TOKEN
        * Math.pow(frontierCoefficient() / excess, 1 / gamma());
  }

  /**
   * The tokens a model of {@code params} needs to reach {@code targetLoss}: D = (B/(L − E −
   * A/N^α))^{1/β} (Eq. 2 solved for D). Infinite where the target is at or below the model's floor
   * E + A/N^α.
   */
  public double tokensToReach(double targetLoss, double params) {
    if (!(targetLoss > floorAt(params))) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.pow(b / (targetLoss - e - paramsTerm(params)), 1 / beta);
  }

  /** The lowest loss a model of {@code params} reaches with unlimited data: E + A/N^α. */
  public double floorAt(double params) {
    return e + paramsTerm(params);
  }

  private double gamma() {
    return alpha * beta / (alpha + beta);
  }

  private double frontierCoefficient() {
    double g = g();
    return a * Math.pow(g, -alpha) + b * Math.pow(g, beta);
  }

  private static void requirePositive(double v, String name) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be a positive finite number, got " + v);
    }
  }
}
