package dev.hwplan.scaling.fit;

import java.util.List;

/**
 * The fitting objective of Hoffmann et al. 2022 (App. D.2, Eq. 11): Σ_i w_i Huber_δ(LSE(a − α log
 * N_i, b − β log D_i, e) − log L_i), over x = (a, b, e, α, β) with A, B, E = e^a, e^b, e^e. It is a
 * sum, not a mean, as in Besiroglu et al. 2024 (averaging shrinks the scale so far that L-BFGS
 * stops early). The value and the analytic gradient come from one pass over primitive arrays (see
 * {@link HuberKernel}); the weights w_i are bootstrap counts (1 for a plain fit).
 */
public final class HuberLogLoss {
  /**
   * Hoffmann 2022's δ: "using a δ smaller than 10^-3 does not impact the resulting predictions".
   */
  public static final double DEFAULT_DELTA = 1e-3;

  private static final HuberKernel KERNEL = HuberKernel.best();

  private final HuberPoints points;

  private HuberLogLoss(HuberPoints points) {
    this.points = points;
  }

  /** The objective over {@code runs}, each with weight 1. */
  public static HuberLogLoss of(List<ScalingRun> runs, double delta) {
    int n = runs.size();
    double[] ln = new double[n];
    double[] ld = new double[n];
    double[] ll = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      ScalingRun r = runs.get(i);
      ln[i] = Math.log(r.params());
      ld[i] = Math.log(r.tokens());
      ll[i] = Math.log(r.loss());
      w[i] = 1;
    }
    return new HuberLogLoss(new HuberPoints(ln, ld, ll, w, delta));
  }

  /**
   * The same points with bootstrap weights: {@code counts[i]} copies of point i. Points drawn zero
   * times are left out of the arrays, so a round costs about 63% of a plain evaluation.
   */
  public HuberLogLoss reweighted(int[] counts) {
    int m = 0;
    for (int c : counts) {
      if (c > 0) {
        m++;
      }
    }
    double[] ln = new double[m];
    double[] ld = new double[m];
    double[] ll = new double[m];
    double[] w = new double[m];
    double[] logN = points.logN();
    double[] logD = points.logD();
    double[] logL = points.logL();
    double[] weight = points.weight();
    int j = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        ln[j] = logN[i];
        ld[j] = logD[i];
        ll[j] = logL[i];
        w[j] = counts[i] * weight[i];
        j++;
      }
    }
    return new HuberLogLoss(new HuberPoints(ln, ld, ll, w, points.delta()));
  }

  /** Number of distinct points. */
  public int size() {
    return points.size();
  }

  /** The Huber δ. */
  public double delta() {
    return points.delta();
  }

  /**
   * The objective at {@code x} = (a, b, e, α, β); writes its gradient into {@code grad} (length 5).
   */
  public double valueAndGradient(double[] x, double[] grad) {
    return KERNEL.evaluate(points, x, grad);
  }

  /** Which inner loop runs: "vector (N lanes)" or "scalar" (see {@code hwplan.scaling.vector}). */
  public static String kernel() {
    return KERNEL.name();
  }

  /** The log residuals log L̂_i − log L_i of {@code law} on these points, in input order. */
  public double[] logResiduals(double[] x) {
    double[] logN = points.logN();
    double[] logL = points.logL();
    double[] logD = points.logD();
    double[] out = new double[logN.length];
    double expE = Math.exp(x[2]);
    for (int i = 0; i < out.length; i++) {
      double s = Math.exp(x[0] - x[3] * logN[i]) + Math.exp(x[1] - x[4] * logD[i]) + expE;
      out[i] = Math.log(s) - logL[i];
    }
    return out;
  }
}
