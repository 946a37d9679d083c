package dev.hwplan.perf.calibration;

import java.util.Arrays;

/** Percentiles with linear interpolation between order statistics (Hyndman and Fan type 7). */
final class Stats {
  private Stats() {}

  static double percentile(double[] values, double q) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  static double max(double[] values) {
    double m = Double.NaN;
    for (double v : values) {
      m = Double.isNaN(m) ? v : Math.max(m, v);
    }
    return m;
  }
}
