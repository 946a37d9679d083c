package dev.hwplan.scaling.fit;

/**
 * A line search for the strong Wolfe conditions: bracketing, then zoom with safeguarded cubic
 * interpolation (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithms 3.5 and 3.6). A step
 * that gives a non-finite value counts as too long.
 */
final class WolfeLineSearch {
  /** Evaluates the objective at a point and writes the gradient. */
  interface Probe {
    double evaluate(double[] x, double[] grad);
  }

  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;
  private static final int MAX_EVALUATIONS = 40;

  private final Probe probe;
  private final int n;
  private final double[] xTrial;
  private final double[] gTrial;
  private final double[] loX;
  private final double[] loG;
  private double loStep;

  /** The accepted point, its gradient and value. */
  final double[] xOut;

  final double[] gOut;
  double fOut;
  double stepOut;

  private double[] x0;
  private double[] dir;
  private double f0;
  private double slope0;

  WolfeLineSearch(Probe probe, int n) {
    this.probe = probe;
    this.n = n;
    this.xTrial = new double[n];
    this.gTrial = new double[n];
    this.loX = new double[n];
    this.loG = new double[n];
    this.xOut = new double[n];
    this.gOut = new double[n];
  }

  /**
   * Searches from {@code x} (value {@code f}, directional derivative {@code slope} < 0) along
   * {@code d}, starting with step {@code step}. Returns false when no acceptable step was found.
   */
  boolean search(double[] x, double f, double slope, double[] d, double step) {
    this.x0 = x;
    this.dir = d;
    this.f0 = f;
    this.slope0 = slope;
    this.loStep = -1;
    double aPrev = 0;
    double fPrev = f;
    double sPrev = slope;
    double a = step;
    for (int i = 0; i < MAX_EVALUATIONS; i++) {
      double fa = probe(a);
      if (!Double.isFinite(fa)) {
        a = aPrev + 0.25 * (a - aPrev);
        continue;
      }
      double sa = dot(gTrial, d);
      if (fa > f0 + C1 * a * slope0 || (i > 0 && fa >= fPrev)) {
        return zoom(aPrev, fPrev, sPrev, a, fa, sa, MAX_EVALUATIONS - i);
      }
      if (Math.abs(sa) <= -C2 * slope0) {
        accept(a, fa);
        return true;
      }
      if (sa >= 0) {
        saveLo(a);
        return zoom(a, fa, sa, aPrev, fPrev, sPrev, MAX_EVALUATIONS - i);
      }
      saveLo(a);
      aPrev = a;
      fPrev = fa;
      sPrev = sa;
      a = 2.5 * a;
    }
    return false;
  }

  private boolean zoom(
      double lo, double fLo, double sLo, double hi, double fHi, double sHi, int budget) {
    for (int j = 0; j < budget; j++) {
      double width = hi - lo;
      if (Math.abs(width) < 1e-16 * Math.max(1, Math.abs(lo))) {
        break;
      }
      double a = cubicMin(lo, fLo, sLo, hi, fHi, sHi);
      double left = Math.min(lo, hi);
      double right = Math.max(lo, hi);
      double margin = 0.1 * (right - left);
      if (!(a > left + margin && a < right - margin)) {
        a = 0.5 * (lo + hi);
      }
      double fa = probe(a);
      if (!Double.isFinite(fa) || fa > f0 + C1 * a * slope0 || fa >= fLo) {
        hi = a;
        fHi = Double.isFinite(fa) ? fa : Double.MAX_VALUE;
        sHi = Double.isFinite(fa) ? dot(gTrial, dir) : 0;
        continue;
      }
      double sa = dot(gTrial, dir);
      if (Math.abs(sa) <= -C2 * slope0) {
        accept(a, fa);
        return true;
      }
      if (sa * (hi - lo) >= 0) {
        hi = lo;
        fHi = fLo;
        sHi = sLo;
      }
      lo = a;
      fLo = fa;
      sLo = sa;
      saveLo(a);
    }
    // No strong-Wolfe point, but a step with sufficient decrease is still progress.
    if (lo > 0 && lo == loStep && fLo < f0) {
      stepOut = lo;
      fOut = fLo;
      System.arraycopy(loX, 0, xOut, 0, n);
      System.arraycopy(loG, 0, gOut, 0, n);
      return true;
    }
    return false;
  }

  /** Keeps the trial point just evaluated at step {@code a} as the low end of the bracket. */
  private void saveLo(double a) {
    System.arraycopy(xTrial, 0, loX, 0, n);
    System.arraycopy(gTrial, 0, loG, 0, n);
    loStep = a;
  }

  private double probe(double a) {
    for (int k = 0; k < n; k++) {
      xTrial[k] = x0[k] + a * dir[k];
    }
    return probe.evaluate(xTrial, gTrial);
  }

  private void accept(double a, double fa) {
    stepOut = a;
    fOut = fa;
    System.arraycopy(xTrial, 0, xOut, 0, n);
    System.arraycopy(gTrial, 0, gOut, 0, n);
  }

  /**
   * The minimiser of the cubic through (a, fa, sa) and (b, fb, sb) (Nocedal & Wright, Eq. 3.59).
   */
  private static double cubicMin(double a, double fa, double sa, double b, double fb, double sb) {
    double d1 = sa + sb - 3 * (fa - fb) / (a - b);
    double disc = d1 * d1 - sa * sb;
    if (!(disc >= 0)) {
      return Double.NaN;
    }
    double d2 = Math.copySign(Math.sqrt(disc), b - a);
    return b - (b - a) * (sb + d2 - d1) / (sb - sa + 2 * d2);
  }

  static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }
}
