package dev.hwplan.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * The expected busiest expert against the order-statistics sum evaluated independently (scipy 1.17:
 * {@code sum(1 - binom.cdf(m-1, n, p)**g for m in range(1, n+1))}).
 */
class ExpertRoutingTest {
  @Test
  void busiestExpertMatchesTheOrderStatisticsSum() {
    // Mixtral, batch 128 decode: 128 tokens, top-2 of 8 -> Binomial(128, 1/4) per expert
    assertThat(ExpertRouting.expectedBusiestExpert(8, 2, 256)).isCloseTo(73.96922, within(1e-4));
    assertThat(ExpertRouting.expectedBusiestExpert(8, 2, 2)).isCloseTo(1.393258, within(1e-5));
    // DeepSeek-V3-like: 16 tokens, top-8 of 256 -> Binomial(16 * 8, 1/256) over 256 groups
    assertThat(ExpertRouting.expectedBusiestGroup(256, 8, 16)).isCloseTo(3.369579, within(1e-5));
    // large counts: the busiest of 8 is within a few percent of the mean
    assertThat(ExpertRouting.expectedBusiestExpert(8, 2, 4096) / 1024)
        .isCloseTo(1.0386, within(1e-3));
  }

  @Test
  void oneGroupTakesEverything() {
    assertThat(ExpertRouting.expectedBusiestGroup(1, 2, 100)).isEqualTo(200);
    assertThat(ExpertRouting.expectedActive(8, 2, 1)).isCloseTo(2, within(1e-12));
    assertThat(ExpertRouting.expectedActive(8, 2, 1000)).isCloseTo(8, within(1e-9));
  }

  /**
   * The shortcuts of {@link ExpertRouting#expectedMax} (terms that round to 1 added without {@code
   * pow}, the loop left once a term no longer moves the sum) give the plain loop's sum bit for bit;
   * the rows of the busiest expert, found with the sum's powers by repeated multiplication, are its
   * ceiling.
   */
  @Property(tries = 1000, seed = "20261206")
  void shortcutsLeaveTheSumBitForBit(
      @ForAll @IntRange(min = 1, max = 4_000_000) int n,
      @ForAll @IntRange(min = 2, max = 512) int g,
      @ForAll @IntRange(min = 1, max = 64) int k) {
    double p = Math.min(0.999, k / (double) g);
    double plain = plainLoop(n, p, g);
    assertThat(ExpertRouting.expectedMax(n, p, g)).isEqualTo(plain);
    assertThat(ExpertRouting.ceilExpectedMax(n, p, g)).isEqualTo(ceil(plain));
  }

  @Test
  void shortcutsLeaveTheSumBitForBitAtTheBenchmarkShapes() {
    // DeepSeek-V3 (top-8 of 256): prefill of 16 x 2048 tokens, decode of 16; Mixtral top-2 of 8
    for (long tokens : new long[] {16, 128, 2048, 32_768, 262_144}) {
      assertThat(ExpertRouting.expectedMax(tokens, 8 / 256.0, 256))
          .isEqualTo(plainLoop(tokens, 8 / 256.0, 256));
      assertThat(ExpertRouting.expectedMax(tokens * 2, 1 / 8.0, 8))
          .isEqualTo(plainLoop(tokens * 2, 1 / 8.0, 8));
    }
  }

  @Test
  void busiestRowsAtModelShapes() {
    // top-8 of 256, top-2 of 8, top-4 of 128 (ep 1); groups of ranks: top-8 over 8 and 32 ranks
    for (long tokens = 1; tokens < 3_000_000; tokens = tokens * 5 / 4 + 1) {
      assertThat(ExpertRouting.busiestExpertRows(256, 8, tokens))
          .isEqualTo(ceil(ExpertRouting.expectedBusiestExpert(256, 8, tokens)));
      assertThat(ExpertRouting.busiestExpertRows(8, 2, tokens))
          .isEqualTo(ceil(ExpertRouting.expectedBusiestExpert(8, 2, tokens)));
      assertThat(ExpertRouting.busiestExpertRows(128, 4, tokens))
          .isEqualTo(ceil(ExpertRouting.expectedBusiestExpert(128, 4, tokens)));
      for (int groups : new int[] {1, 8, 32}) {
        assertThat(ExpertRouting.busiestGroupRows(groups, 8, tokens))
            .isEqualTo(ceil(ExpertRouting.expectedBusiestGroup(groups, 8, tokens)));
      }
    }
  }

  @Property(tries = 500, seed = "20261206")
  void powerIsWithinItsErrorBoundOfPow(
      @ForAll @IntRange(min = 1, max = 1_000_000) int x,
      @ForAll @IntRange(min = 1, max = 512) int g) {
    double c = 1 - x * 1e-7;
    double exact = Math.pow(c, g);
    assertThat(ExpertRouting.power(c, g)).isCloseTo(exact, within((g + 2) * 0x1p-53 * exact));
  }

  /**
   * The walk's seeds ({@code BinomialDistribution}'s pmf at 12 standard deviations under the mean,
   * and its cdf below) are within {@link ExpertRouting#SEED_ERROR}: stepped by the pmf's ratio over
   * the whole support, they sum to 1 within the walk's rounding.
   */
  @Property(tries = 200, seed = "20261206")
  void theWalksSeedsAreWithinTheirAssumedError(
      @ForAll @IntRange(min = 1_000, max = 1 << 27) int n,
      @ForAll @IntRange(min = 2, max = 512) int g,
      @ForAll @IntRange(min = 1, max = 64) int k) {
    double p = Math.min(0.999, k / (double) g);
    double mean = n * p;
    double sd = Math.sqrt(mean * (1 - p));
    long m0 = Math.max(0, (long) Math.floor(mean - 12 * sd));
    long end = Math.min(n, (long) Math.ceil(mean + 40 * sd + 40));
    BinomialDistribution b = new BinomialDistribution(null, n, p);
    double mass = m0 == 0 ? 0 : b.cumulativeProbability((int) (m0 - 1));
    double pmf = b.probability((int) m0);
    double ratio = p / (1 - p);
    for (long m = m0; m <= end; m++) {
      mass += pmf;
      pmf *= (n - m) / (double) (m + 1) * ratio;
    }
    double rounding = 8 * (end - m0 + 2) * 0x1p-53;
    assertThat(Math.abs(mass - 1)).isLessThan(ExpertRouting.SEED_ERROR / 100 + rounding);
  }

  private static long ceil(double rows) {
    return Math.max(1, (long) Math.ceil(rows));
  }

  /** The sum as it was computed before the shortcuts: every term from m0 to hi. */
  private static double plainLoop(long n, double p, int g) {
    double mean = n * p;
    double sd = Math.sqrt(n * p * (1 - p));
    long m0 = Math.max(0, (long) Math.floor(mean - 12 * sd));
    long hi = Math.min(n, (long) Math.ceil(mean + 12 * sd + 20));
    BinomialDistribution b = new BinomialDistribution(null, (int) n, p);
    double cdf = m0 == 0 ? 0 : b.cumulativeProbability((int) (m0 - 1));
    double pmf = b.probability((int) m0);
    double ratio = p / (1 - p);
    double sum = m0;
    for (long m = m0; m < hi; m++) {
      cdf += pmf;
      sum += 1 - Math.pow(Math.min(1, cdf), g);
      pmf *= (n - m) / (double) (m + 1) * ratio;
    }
    return sum;
  }
}
