package dev.hwplan.perf.gemm;

/**
 * Two times that bound one kernel, joined at a knee: {@code (a^p + b^p)^(1/p)}. Far from the
 * crossing it is the larger time; at the crossing {@code 2^(1/p)} times it, where requests queue
 * before either bound is reached (the loaded-latency knee; {@code SplitKTimeModel} uses {@code p =
 * 2}). The exponent of each use is chosen on its own training rows.
 */
final class Knee {
  private Knee() {}

  static double join(double a, double b, double p) {
    return Math.pow(Math.pow(a, p) + Math.pow(b, p), 1 / p);
  }
}
