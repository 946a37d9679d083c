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
  static double expectedMax(long n, double p, int g) {
    if (p >= 1 || g == 1) {
      return n * p;
    }
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    long m0 = Math.max(0, (long) Math.floor(mean - 12 * sd));
    long hi = Math.min(n, (long) Math.ceil(mean + 12 * sd + 20));
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
    double sum = m0;
    for (long m = m0; m < hi; m++) {
      // term for m + 1: 1 - F(m)^g
      cdf += pmf;
      if (cdf < certain) {
        sum += 1;
      } else {
        double next = sum + (1 - Math.pow(Math.min(1, cdf), g));
        if (next == sum) {
          break;
        }
        sum = next;
      }
      pmf *= (n - m) / (double) (m + 1) * ratio;
    }
    return sum;
  }
}
