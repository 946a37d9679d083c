package dev.hwplan.regress;

import dev.hwplan.io.InvalidInputException;

/**
 * How {@link RegressionDetector} decides.
 *
 * @param window the baseline is at most this many earlier runs, the most recent ones
 * @param threshold a change smaller than this fraction of the baseline median never counts (0.10 is
 *     10%); runs on shared CI machines are noisy, so this is a ratio, not an absolute time
 * @param alpha significance level of the Mann-Whitney U test
 * @param minHistory fewer earlier runs than this give {@link Verdict#INSUFFICIENT_HISTORY}
 */
public record RegressionSettings(int window, double threshold, double alpha, int minHistory) {
  public static final int DEFAULT_WINDOW = 10;
  public static final double DEFAULT_THRESHOLD = 0.10;
  public static final double DEFAULT_ALPHA = 0.05;
  public static final int DEFAULT_MIN_HISTORY = 3;

  /**
   * Without samples, the current value must also sit this many robust standard deviations (1.4826 ×
   * the window's median absolute deviation) beyond the baseline median: about a one-sided p of
   * 0.0013 for normal noise, and one wild run in the window does not widen it.
   */
  public static final double ROBUST_Z = 3.0;

  public RegressionSettings {
    if (window < 1) {
      throw InvalidInputException.option("--window", "must be at least 1, got " + window);
    }
    if (!(threshold >= 0) || Double.isInfinite(threshold)) {
      throw InvalidInputException.option(
          "--threshold", "must be a fraction of zero or more (0.1 is 10%), got " + threshold);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw InvalidInputException.option("--alpha", "must be in (0, 1), got " + alpha);
    }
    if (minHistory < 1 || minHistory > window) {
      throw InvalidInputException.option(
          "--min-history", "must be between 1 and --window (" + window + "), got " + minHistory);
    }
  }

  public static RegressionSettings defaults() {
    return new RegressionSettings(
        DEFAULT_WINDOW, DEFAULT_THRESHOLD, DEFAULT_ALPHA, DEFAULT_MIN_HISTORY);
  }
}
