package dev.hwplan.scaling;

/**
 * Muennighoff et al. 2023's data-constrained law: with U unique tokens repeated for R_D = D/U − 1
 * extra epochs, the repeated tokens are worth less, decaying with the constant R_D*, and parameters
 * beyond what U supports decay with R_N* (arXiv:2305.16264, Eq. 5; the datablations README's {@code
 * scaling_law}):
 *
 * <pre>
 * L = E + A/(U_N + U_N R_N*(1 − e^{−R_N/R_N*}))^α + B/(U_D + U_D R_D*(1 − e^{−R_D/R_D*}))^β
 * </pre>
 *
 * @param base the law without repetition
 * @param rdStar R_D*, the half-life-like constant of repeated data
 * @param rnStar R_N*, the same for excess parameters
 */
public record DataConstrainedLaw(ChinchillaLaw base, double rdStar, double rnStar) {
  /** Muennighoff 2023's C4 fit: R_D* = 15.387756, R_N* = 5.309743 (datablations README). */
  public static final DataConstrainedLaw MUENNIGHOFF2023 =
      new DataConstrainedLaw(NamedFit.MUENNIGHOFF2023.law(), 15.387756, 5.309743);

  public DataConstrainedLaw {
    if (base == null || !(rdStar > 0) || !(rnStar > 0)) {
      throw new IllegalArgumentException("need a base law and positive R_D*, R_N*");
    }
  }

  /** This repetition model on another base law (an assumption: R* were fitted on C4 with it). */
  public DataConstrainedLaw withBase(ChinchillaLaw other) {
    return new DataConstrainedLaw(other, rdStar, rnStar);
  }

  /**
   * The loss of N parameters trained on D tokens drawn from U unique tokens (Muennighoff 2023, Eq.
   * 5, with U_D = min(U, D), R_D = max(D/U_D − 1, 0), U_N = min(N, N_opt(U_D)), R_N = max(N/U_N −
   * 1, 0)).
   */
  public double loss(double params, double tokens, double uniqueTokens) {
    double ud = Math.min(uniqueTokens, tokens);
    double rd = Math.max(tokens / ud - 1, 0);
    double un = Math.min(params, paramsForTokens(ud));
    double rn = Math.max(params / un - 1, 0);
    double effectiveParams = un + un * rnStar * (1 - Math.exp(-rn / rnStar));
    double effectiveTokens = ud + ud * rdStar * (1 - Math.exp(-rd / rdStar));
    return base.loss(effectiveParams, effectiveTokens);
  }

  /** The effective data D' that D tokens from U unique ones are worth (Muennighoff 2023, Eq. 4). */
  public double effectiveTokens(double tokens, double uniqueTokens) {
    double ud = Math.min(uniqueTokens, tokens);
    double rd = Math.max(tokens / ud - 1, 0);
    return ud + ud * rdStar * (1 - Math.exp(-rd / rdStar));
  }

  /**
   * The compute-optimal model size for D tokens on the base law's frontier: N = (D G)^{β/α} G (the
   * datablations README's {@code D_to_N}).
   */
  public double paramsForTokens(double tokens) {
    double g = base.g();
    return Math.pow(tokens * g, base.beta() / base.alpha()) * g;
  }

  /**
   * The best N and D for a budget of {@code flops} with only {@code uniqueTokens} of data: a golden
   * section search of the loss along C = 6ND (in log N), bracketed by a scan from N_opt/1000 to
   * N_opt×1000. Muennighoff et al. search a grid instead (datablations README).
   */
  public Allocation optimal(double flops, double uniqueTokens) {
    double n0 = base.optimalParams(flops);
    double lo = Math.log(n0) - Math.log(1000);
    double hi = Math.log(n0) + Math.log(1000);
    int steps = 600;
    double best = Double.POSITIVE_INFINITY;
    int bestI = 0;
    for (int i = 0; i <= steps; i++) {
      double v = lossAtLogParams(flops, uniqueTokens, lo + (hi - lo) * i / steps);
      if (v < best) {
        best = v;
        bestI = i;
      }
    }
    double h = (hi - lo) / steps;
    double x = goldenMin(flops, uniqueTokens, lo + h * (bestI - 1), lo + h * (bestI + 1));
    double n = Math.exp(x);
    double d = TrainingFlops.tokens(flops, n);
    return new Allocation(flops, n, d, loss(n, d, uniqueTokens));
  }

  private double lossAtLogParams(double flops, double unique, double logN) {
    double n = Math.exp(logN);
    return loss(n, TrainingFlops.tokens(flops, n), unique);
  }

  private double goldenMin(double flops, double unique, double lo, double hi) {
    final double invPhi = (Math.sqrt(5) - 1) / 2;
    double c = hi - invPhi * (hi - lo);
    double d = lo + invPhi * (hi - lo);
    double fc = lossAtLogParams(flops, unique, c);
    double fd = lossAtLogParams(flops, unique, d);
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      if (fc < fd) {
        hi = d;
        d = c;
        fd = fc;
        c = hi - invPhi * (hi - lo);
        fc = lossAtLogParams(flops, unique, c);
      } else {
        lo = c;
        c = d;
        fc = fd;
        d = lo + invPhi * (hi - lo);
        fd = lossAtLogParams(flops, unique, d);
      }
    }
    return (lo + hi) / 2;
  }
}
