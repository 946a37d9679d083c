package dev.hwplan.op;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Token counts under top-k routing with uniform, independent routers (the load a balanced MoE
 * router aims at): each of {@code t} tokens picks {@code k} of {@code E} experts, so an expert's
 * load is Binomial(t, k/E) and the expected number of experts hit is {@code E (1 - (1 - k/E)^t)}.
 *
 * <p>The busiest of {@code g} groups (experts, or the expert-parallel ranks that hold {@code E/g}
 * experts each) sets a grouped GEMM's tail and an expert-parallel step's slowest rank. Its expected
 * value is that of the maximum of {@code g} i.i.d. loads (the order-statistics identity {@code
 * E[max] = sum_{m >= 1} P(max >= m) = sum_{m >= 1} (1 - F(m-1)^g)}, David and Nagaraja, "Order
 * Statistics", 3rd ed., 2003, section 3.1; the loads of distinct groups are weakly negatively
 * correlated, so this slightly overstates the maximum). A group's load is Binomial(t, k/E) for one
 * expert and Binomial(t k, 1/g) for a group of experts (picks of one token counted independently).
 */
public final class ExpertRouting {
  private ExpertRouting() {}

  /**
   * The correlation of two tokens' expert choices within one sequence (issue 15, freeze XI). The
   * tokens of a prompt do not route independently: the rows of an expert in a prefill step vary far
   * more than Binomial(t, k/E). Counted, not timed: the pooled moment estimator {@code sum(var/mean
   * - 1) / sum(L - 1)} over the per-layer expert token counts of the training steps' prefills
   * ({@code kernels/cuda/results/h200-sxm/step-profiles-train.json} and {@code
   * steps-eager-fused.json}, Mixtral-8x7B's router, 20 layers of prompts of 512 to 8192 tokens:
   * 0.00537), where {@code var/mean} of a layer runs from 1.1 to 94. Their decode steps, one token
   * a sequence, stay binomial ({@code var/mean} 0.25 to 1.75, about the 0.75 of top-2 of 8).
   */
  public static final double SEQUENCE_CORRELATION = 0.0054;

  /** Steps an octave of the grid that {@link #lengthBucket} puts sequence lengths on. */
  public static final int LENGTH_STEPS_PER_OCTAVE = 8;

  /**
   * The grid point of a token-weighted mean sequence length ({@code sum L^2 / sum L}): the nearest
   * of {@code 2^(b/8)}, b = 0, 1, ... (within 4.4% of the length), so that the step-time table can
   * keep one curve a point ({@code StepTimeTable}); 0 for a decode step.
   */
  public static int lengthBucket(double meanLength) {
    return meanLength <= 1
        ? 0
        : (int) Math.round(LENGTH_STEPS_PER_OCTAVE / LN2 * Math.log(meanLength));
  }

  private static final double LN2 = Math.log(2);

  /**
   * The variance of an expert's rows over their mean for a step whose new tokens come in sequences
   * of token-weighted mean length {@code 2^(b/8)} ({@link #lengthBucket}): Kish's design effect for
   * cluster samples, {@code 1 + rho (L - 1)} (L. Kish, "Survey Sampling", Wiley, 1965, section
   * 5.4), with {@code rho} = {@link #SEQUENCE_CORRELATION}. 1 for a decode step.
   */
  public static double rowsDispersion(int lengthBucket) {
    double length = Math.pow(2, lengthBucket / (double) LENGTH_STEPS_PER_OCTAVE);
    return 1 + SEQUENCE_CORRELATION * Math.max(0, length - 1);
  }

  /** Expected experts that receive at least one of {@code tokens} tokens. */
  public static double expectedActive(int experts, int topK, long tokens) {
    double p = Math.min(1, topK / (double) experts);
    return experts * (1 - Math.pow(1 - p, tokens));
  }

  /** Expected token rows of the busiest expert. */
  public static double expectedBusiestExpert(int experts, int topK, long tokens) {
    return expectedMax(tokens, Math.min(1, topK / (double) experts), experts);
  }

  /** Expected token rows (token-expert pairs) of the busiest of {@code groups} expert groups. */
  public static double expectedBusiestGroup(int groups, int topK, long tokens) {
    if (groups == 1) {
      return tokens * (double) topK;
    }
    return expectedMax(Math.multiplyExact(tokens, (long) topK), 1.0 / groups, groups);
  }

  /**
   * {@code max(1, ceil(E[max]))} of {@code g} i.i.d. Binomial(n, p), as {@link #ceilExpectedMax}
   * gives it: how the rows of a busiest expert or group are found. An implementation may answer
   * from a table ({@code dev.hwplan.step} interpolates one by value), but only with the ceiling
   * that {@link #ceilExpectedMax} gives.
   */
  @FunctionalInterface
  public interface MaxRows {
    /** {@code max(1, ceil(expectedMax(n, p, g)))}. */
    long ceilExpectedMax(long n, double p, int g);
  }

  /** {@link #ceilExpectedMax} itself: the sum taken for every call. */
  public static final MaxRows SUMMED = ExpertRouting::ceilExpectedMax;

  /**
   * {@code max(1, ceil(expectedBusiestExpert(experts, topK, tokens)))}: the rows a grouped GEMM
   * gives its busiest expert, found without the sum's {@code pow} calls wherever that is exact
   * ({@link #ceilExpectedMax}).
   */
  public static long busiestExpertRows(int experts, int topK, long tokens) {
    return busiestExpertRows(experts, topK, tokens, SUMMED);
  }

  /** {@link #busiestExpertRows(int, int, long)}, the ceiling found by {@code rows}. */
  public static long busiestExpertRows(int experts, int topK, long tokens, MaxRows rows) {
    return rows.ceilExpectedMax(tokens, Math.min(1, topK / (double) experts), experts);
  }

  /**
   * {@code max(1, ceil(expectedBusiestGroup(groups, topK, tokens)))}, as {@link
   * #busiestExpertRows}.
   */
  public static long busiestGroupRows(int groups, int topK, long tokens) {
    return busiestGroupRows(groups, topK, tokens, SUMMED);
  }

  /** {@link #busiestGroupRows(int, int, long)}, the ceiling found by {@code rows}. */
  public static long busiestGroupRows(int groups, int topK, long tokens, MaxRows rows) {
    if (groups == 1) {
      return atLeastOne(tokens * (double) topK);
    }
    return rows.ceilExpectedMax(Math.multiplyExact(tokens, (long) topK), 1.0 / groups, groups);
  }

  /**
   * {@code E[max]} of {@code g} i.i.d. Binomial(n, p): {@code m0 + sum_{m > m0} (1 - F(m-1)^g)},
   * where below {@code m0} (12 standard deviations under the mean) every term is 1 to double
   * precision; the pmf is stepped by its ratio {@code (n-m)/(m+1) p/(1-p)}.
   *
   * <p>Two shortcuts leave the sum bit for bit as the plain loop over every term gives it, and take
   * most of its {@code pow} calls away (this sum was most of a MoE step's estimate): a term whose
   * {@code F^g} is below {@code 2^-54} rounds to exactly 1, so it is added without {@code pow}; and
   * the terms fall as {@code F} rises, so once adding one leaves the sum unchanged, adding any
   * later one does too, and the loop stops.
   */
  public static double expectedMax(long n, double p, int g) {
    return sum(n, p, g, true);
  }

  /**
   * {@code max(1, ceil(expectedMax(n, p, g)))}, exactly, at a fraction of the cost: the sum is
   * taken once with {@code F^g} by repeated multiplication instead of {@code Math.pow} (about ten
   * multiplications, against a {@code pow} that costs several times that), every other operation as
   * {@link #expectedMax} does it, and the exact sum is taken only when the ceiling is in doubt.
   *
   * <p>Why that is exact: both sums walk the same pmf and cdf, bit for bit, and add the same terms
   * but for the power. {@code Math.pow} is within 1 ulp and semi-monotonic (its specification);
   * binary powering of {@code c <= 1} to {@code c^g}, no intermediate below the result (so no
   * underflow: {@code c^g >= 2^-54} past the terms added as 1), has relative error at most {@code
   * (1 + u)^(g-1) - 1} ({@code u = 2^-53}). So a term differs by at most {@code d = (g + 5) u}, and
   * both sequences of terms are non-increasing. Each sum rounds once a term (at most {@code ulp/2}
   * of the larger sum); where one loop stops (a term that no longer moves its sum, so at most an
   * ulp) the other may add terms of at most an ulp plus {@code d} each, up to the walk's end. So
   * the two sums differ by at most {@code 4 (terms + 2) (ulp + d)}, with {@code terms} the walk's
   * length; where that interval holds one ceiling, it is the exact sum's.
   */
  public static long ceilExpectedMax(long n, double p, int g) {
    if (p >= 1 || g == 1 || n > Integer.MAX_VALUE) {
      return atLeastOne(expectedMax(n, p, g));
    }
    double fast = sum(n, p, g, false);
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    double terms = hi(n, mean, sd) - m0(mean, sd) + 2;
    double ulp = Math.ulp(2 * Math.abs(fast) + 2);
    double bound = 4 * terms * (ulp + (g + 5) * 0x1p-53);
    double below = Math.ceil(fast - bound);
    if (below == Math.ceil(fast + bound)) {
      return atLeastOne(below);
    }
    return atLeastOne(expectedMax(n, p, g));
  }

  /** The smallest standard deviation at which {@link #sumErrorBound} is finite. */
  public static final double BOUNDED_SD = 8;

  /**
   * An assumed bound on the error of commons-math's Binomial pmf at the walk's first term ({@code
   * BinomialDistribution.probability}, Loader's saddle-point form, in practice within 1e-13
   * relative) and of its cdf below it, in probability: {@code ExpertRoutingTest} checks the pmf
   * against the walk's total mass, which is 1 to within the walk's rounding.
   */
  static final double SEED_ERROR = 1e-9;

  /**
   * A bound on the distance of {@link #expectedMax}'s sum from the exact {@code E[max]} of {@code
   * g} i.i.d. Binomial(n, p), for {@code n <= Integer.MAX_VALUE}, {@code p < 1}, {@code g >= 2} and
   * a standard deviation of at least {@link #BOUNDED_SD}; infinite elsewhere. With {@code L} the
   * walk's length ({@code hi - m0 + 2}) and {@code u = 2^-53}:
   *
   * <ul>
   *   <li>the pmf is stepped at most {@code L} times, each step three roundings and the ratio
   *       {@code p/(1-p)} two, and the cdf adds at most {@code L} pmfs: both are within {@code 6 L
   *       u} relative, plus {@link #SEED_ERROR} for the seeds, of the exact values; so each cdf is
   *       within {@code 6 L u + SEED_ERROR} of the exact one, and since {@code |a^g - b^g| <= g |a
   *       - b|} on [0, 1] (and {@code min(1, x)} is 1-Lipschitz), each of the at most {@code L}
   *       terms is within {@code g (6 L u + SEED_ERROR)} of its exact value, plus {@code 3u} for
   *       {@code pow} and the subtraction;
   *   <li>the terms added as exactly 1 are within {@code 2^-54} of theirs;
   *   <li>each addition rounds by at most half an ulp of the sum ({@code <= hi}), and the loop
   *       stops where a term no longer moves the sum, leaving at most {@code L} terms of at most an
   *       ulp;
   *   <li>the terms below {@code m0} and above {@code hi} (12 standard deviations and more from the
   *       mean; with the standard deviation at least 8, Bernstein's inequality puts each tail under
   *       {@code e^-65}) are within {@code 1e-12} together.
   * </ul>
   */
  public static double sumErrorBound(long n, double p, int g) {
    double sd = Math.sqrt(n * p * (1 - p));
    if (p >= 1 || g < 2 || n > Integer.MAX_VALUE || !(sd >= BOUNDED_SD)) {
      return Double.POSITIVE_INFINITY;
    }
    double mean = n * p;
    long hi = hi(n, mean, sd);
    double walk = hi - m0(mean, sd) + 2;
    double u = 0x1p-53;
    return g * walk * (6 * walk * u + SEED_ERROR)
        + (walk + 2) * Math.ulp(2.0 * hi + 2)
        + walk * (3 * u + 0x1p-54)
        + 1e-12;
  }

  private static long atLeastOne(double rows) {
    return Math.max(1, (long) Math.ceil(rows));
  }

  /** The first term of the walk: 12 standard deviations under the mean. */
  private static long m0(double mean, double sd) {
    return Math.max(0, (long) Math.floor(mean - 12 * sd));
  }

  /** The last term the walk may reach. */
  private static long hi(long n, double mean, double sd) {
    return Math.min(n, (long) Math.ceil(mean + 12 * sd + 20));
  }

  /** The sum of {@link #expectedMax}, with {@code F^g} from {@code Math.pow} or {@link #power}. */
  private static double sum(long n, double p, int g, boolean exact) {
    if (p >= 1 || g == 1) {
      return n * p;
    }
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    long m0 = m0(mean, sd);
    long hi = hi(n, mean, sd);
    BinomialDistribution b =
        new BinomialDistribution(null, (int) Math.min(n, Integer.MAX_VALUE), p);
    if (n > Integer.MAX_VALUE) {
      // Beyond int trials the normal limit: mean + sd sqrt(2 ln g) (Gumbel's first-order term).
      return mean + sd * Math.sqrt(2 * Math.log(g));
    }
    double cdf = m0 == 0 ? 0 : b.cumulativeProbability((int) (m0 - 1));
    double pmf = b.probability((int) m0);
    double ratio = p / (1 - p);
    // F below this has F^g < 2^-54 with room for pow's last-place error: its term is exactly 1.
    double certain = Math.pow(0x1p-54, 1.0 / g) * (1 - 1e-9);
    // The terms that round to exactly 1 come first (the cdf only rises): counted, then summed.
    // The pmf's step (n - m) / (m + 1) in doubles: both are integers below 2^31, so exact.
    long m = m0;
    double left = n - m0;
    double right = m0 + 1;
    while (m < hi) {
      cdf += pmf;
      if (cdf >= certain) {
        break;
      }
      pmf *= left / right * ratio;
      left -= 1;
      right += 1;
      m++;
    }
    double sum = m;
    if (m >= hi) {
      return sum;
    }
    while (true) {
      // term for m + 1: 1 - F(m)^g
      double c = Math.min(1, cdf);
      double next = sum + (1 - (exact ? Math.pow(c, g) : power(c, g)));
      if (next == sum) {
        break;
      }
      sum = next;
      pmf *= left / right * ratio;
      left -= 1;
      right += 1;
      if (++m == hi) {
        break;
      }
      cdf += pmf;
    }
    return sum;
  }

  /** {@code x^e} for {@code e >= 1} by binary powering (square and multiply). */
  static double power(double x, int e) {
    double r = 1;
    double b = x;
    for (int k = e; ; k >>>= 1) {
      if ((k & 1) != 0) {
        r *= b;
      }
      if (k == 1) {
        return r;
      }
      b *= b;
    }
  }
}
