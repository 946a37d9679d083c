package dev.hwplan.perf;

/**
 * How far measured whole steps fell from the predicted ones on a GPU: for each kind of step (eager
 * or compiled, dense or MoE, decode or prefill), the split-conformal bounds of the ratio of
 * measured to predicted step time (Lei et al., "Distribution-Free Predictive Inference for
 * Regression", JASA 2018): over {@code n} calibration steps sorted by ratio, the {@code floor(0.05
 * (n + 1))}-th and the {@code ceil(0.95 (n + 1))}-th, so that a new step of the same kind falls
 * inside with probability at least 90% if it is exchangeable with them. A kind with fewer than 19
 * steps has no bounds: below that the upper rank passes {@code n}.
 *
 * <p>The step model uses these bounds for a step's interval in place of the sum of its ops'
 * intervals, which takes every op's error at its extreme at once (about twice as wide as the steps'
 * errors on the H100, issue 15).
 *
 * @param bounds the bounds of each kind that has them
 * @param basis where the calibration steps come from, for notes and reports
 */
public record StepSpread(java.util.Map<Kind, Bounds> bounds, String basis) {
  public StepSpread {
    bounds = java.util.Map.copyOf(bounds);
  }

  /** The nominal coverage of the bounds (the ranks below are its integer form). */
  public static final double NOMINAL = 0.90;

  /** The fewest calibration steps a kind needs: {@code ceil(0.95 (n + 1)) <= n}. */
  public static final int MIN_STEPS = 19;

  /**
   * A kind of step.
   *
   * @param compiled compiled (one graph of fused kernels) rather than eager (one kernel an op)
   * @param moe whether the model routes to experts
   * @param prefill whether the step holds a prefill chunk
   */
  public record Kind(boolean compiled, boolean moe, boolean prefill) {}

  /**
   * Measured over predicted step time: a step predicted {@code t} lies in {@code [low t, high t]}.
   *
   * @param n the calibration steps behind the bounds
   */
  public record Bounds(double low, double high, int n) {
    public Bounds {
      if (!(low > 0 && low <= high) || n < MIN_STEPS) {
        throw new IllegalArgumentException(
            "bounds need 0 < low <= high and "
                + MIN_STEPS
                + " steps: "
                + low
                + ", "
                + high
                + ", "
                + n);
      }
    }

    /**
     * The split-conformal bounds of {@code ratios} (measured over predicted), or null for fewer
     * than {@link #MIN_STEPS}.
     */
    public static Bounds of(double[] ratios) {
      int n = ratios.length;
      if (n < MIN_STEPS) {
        return null;
      }
      double[] r = ratios.clone();
      java.util.Arrays.sort(r);
      // ranks in integers: 0.05 (n + 1) in doubles is a hair below k where n + 1 is 20 k
      int lo = 5 * (n + 1) / 100;
      int hi = (95 * (n + 1) + 99) / 100;
      return new Bounds(r[lo - 1], r[hi - 1], n);
    }
  }

  /** The bounds for a step of this kind, or null where too few steps were measured. */
  public Bounds bounds(Kind kind) {
    return bounds.get(kind);
  }
}
