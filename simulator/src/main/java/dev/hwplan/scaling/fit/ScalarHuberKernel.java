package dev.hwplan.scaling.fit;

/** The plain-Java {@link HuberKernel}: two exp and one log per point, no allocation. */
final class ScalarHuberKernel implements HuberKernel {
  @Override
  public double evaluate(HuberPoints points, double[] x, double[] g) {
    double[] acc = new double[6];
    range(points, x, 0, points.size(), acc);
    System.arraycopy(acc, 1, g, 0, 5);
    return acc[0];
  }

  @Override
  public String name() {
    return "scalar";
  }

  /**
   * Adds points [from, to) to {@code acc}: acc[0] the objective, acc[1..5] its gradient. Also the
   * vector kernel's tail and its fallback where exp over- or underflows.
   */
  static void range(HuberPoints points, double[] x, int from, int to, double[] acc) {
    final double[] logN = points.logN();
    final double[] logD = points.logD();
    final double[] logL = points.logL();
    final double[] weight = points.weight();
    final double d = points.delta();
    final double a = x[0];
    final double b = x[1];
    final double e = x[2];
    final double alpha = x[3];
    final double beta = x[4];
    final double expE = Math.exp(e);
    double f = 0;
    double ga = 0;
    double gb = 0;
    double ge = 0;
    double gAlpha = 0;
    double gBeta = 0;
    for (int i = from; i < to; i++) {
      double u1 = a - alpha * logN[i];
      double u2 = b - beta * logD[i];
      double t1 = Math.exp(u1);
      double t2 = Math.exp(u2);
      double t3 = expE;
      double s = t1 + t2 + t3;
      double lse;
      if (s > Double.MIN_NORMAL && s < Double.POSITIVE_INFINITY) {
        lse = Math.log(s);
      } else {
        // Far from the data the plain sum over- or underflows: shift by the largest exponent.
        double m = Math.max(Math.max(u1, u2), e);
        t1 = Math.exp(u1 - m);
        t2 = Math.exp(u2 - m);
        t3 = Math.exp(e - m);
        s = t1 + t2 + t3;
        lse = m + Math.log(s);
      }
      double r = lse - logL[i];
      double w = weight[i];
      double h;
      double dh;
      if (r > d) {
        h = d * (r - 0.5 * d);
        dh = d;
      } else if (r < -d) {
        h = d * (-r - 0.5 * d);
        dh = -d;
      } else {
        h = 0.5 * r * r;
        dh = r;
      }
      f += w * h;
      double k = w * dh / s;
      double k1 = k * t1;
      double k2 = k * t2;
      ga += k1;
      gb += k2;
      ge += k * t3;
      gAlpha -= k1 * logN[i];
      gBeta -= k2 * logD[i];
    }
    acc[0] += f;
    acc[1] += ga;
    acc[2] += gb;
    acc[3] += ge;
    acc[4] += gAlpha;
    acc[5] += gBeta;
  }
}
