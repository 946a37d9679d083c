package dev.hwplan.scaling.fit;

import java.util.Arrays;

/**
 * A bootstrap percentile interval and the bootstrap standard error.
 *
 * @param low the lower percentile, (1 − confidence)/2
 * @param high the upper percentile, (1 + confidence)/2
 * @param standardError the standard deviation of the bootstrap estimates
 * @param confidence the coverage, e.g. 0.95
 */
public record Interval(double low, double high, double standardError, double confidence) {
  /** The percentile interval of {@code values} (NaNs left out); linear interpolation as numpy's. */
  public static Interval of(double[] values, double confidence) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return new Interval(Double.NaN, Double.NaN, Double.NaN, confidence);
    }
    double tail = (1 - confidence) / 2;
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
    return new Interval(percentile(v, tail), percentile(v, 1 - tail), sd, confidence);
  }

  /** Whether {@code x} lies within [low, high]. */
  public boolean contains(double x) {
    return x >= low && x <= high;
  }

  private static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }
}
