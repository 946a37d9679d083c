package dev.hwplan.perf;

/**
 * The spread of measured over predicted time in a calibration's fitting rows (for the grouped GEMM,
 * the per-expert loop, and the GEMM on a GPU with an off-grid sweep, in rows the fit did not see):
 * the 5th and 95th percentiles of the ratio, which turn a prediction into an interval.
 */
public record Spread(double lowRatio, double highRatio, int rows) {
  /** No residuals: the interval collapses to the prediction. */
  public static final Spread NONE = new Spread(1, 1, 0);

  public Spread {
    if (!(lowRatio > 0 && highRatio >= lowRatio)) {
      throw new IllegalArgumentException("bad spread " + lowRatio + ".." + highRatio);
    }
  }
}
