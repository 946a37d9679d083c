package dev.hwplan.regress;

import java.util.Arrays;

/** Medians and median absolute deviations. */
final class RobustStats {
  /** 1/Φ⁻¹(3/4): scales the MAD to the standard deviation of normal data. */
  static final double MAD_TO_SIGMA = 1.4826;

  private RobustStats() {}

  static double median(double[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("median of nothing");
    }
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static double mad(double[] x) {
    double m = median(x);
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = Math.abs(x[i] - m);
    }
    return median(d);
  }
}
