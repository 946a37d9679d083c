package dev.hwplan.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
