package dev.hwplan.scaling.fit;

/**
 * The points a {@link HuberLogLoss} sums over, as the primitive arrays its {@link HuberKernel}
 * reads: log N, log D and log L of each run, its weight (a bootstrap count, 1 for a plain fit), and
 * the Huber δ. Made once per objective; the kernels read it on every evaluation without allocating.
 */
record HuberPoints(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {

  /** Number of points. */
  int size() {
    return logN.length;
  }
}
