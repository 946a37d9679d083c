package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.hwplan.scaling.ChinchillaLaw;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Besiroglu et al. 2024's replication of Hoffmann's Approach 3 on their extracted data (see
 * src/test/resources/scaling/SOURCE.md), with the 5 highest-loss points dropped as they did.
 * Reference values: scaling-laws.md A2.3.
 */
class EpochReproductionTest {
  private static List<ScalingRun> runs;
  private static PointFit fit;

  @BeforeAll
  static void fitOnce() throws Exception {
    try (Reader r =
        new InputStreamReader(
            EpochReproductionTest.class.getResourceAsStream(
                "/scaling/epoch_svg_extracted_data.csv"),
            StandardCharsets.UTF_8)) {
      List<ScalingRun> all = RunsCsv.parse(r, "epoch_svg_extracted_data.csv");
      assertThat(all).hasSize(245);
      runs = ScalingRuns.dropHighestLoss(all, 5);
    }
    fit = ChinchillaFitter.hoffmann2022().fit(runs);
  }

  @Test
  void dropsTheFiveHighestLossPoints() {
    assertThat(runs).hasSize(240);
  }

  @Test
  void fittedConstants_fallWithinEpochsConfidenceIntervals() {
    // Epoch: E 1.82, A 482, B 2085, alpha 0.348, beta 0.366, with 95% bootstrap intervals
    // E (1.769, 1.871), A (285.214, 743.626), B (1042.357, 5810.344), alpha (0.317, 0.373),
    // beta (0.331, 0.415).
    ChinchillaLaw l = fit.law();
    assertThat(l.e()).isBetween(1.769, 1.871);
    assertThat(l.a()).isBetween(285.214, 743.626);
    assertThat(l.b()).isBetween(1042.357, 5810.344);
    assertThat(l.alpha()).isBetween(0.317, 0.373);
    assertThat(l.beta()).isBetween(0.331, 0.415);
  }

  @Test
  void gridFit_matchesEpochsLbfgsGridFit() {
    // Their notebook's L-BFGS-B grid fit: A 477.84, B 2143.86, E 1.8172, alpha 0.34731,
    // beta 0.36718, summed Huber loss 0.00101827.
    ChinchillaLaw l = fit.law();
    assertThat(l.a()).isCloseTo(477.84, withPercentage(0.1));
    assertThat(l.b()).isCloseTo(2143.86, withPercentage(0.1));
    assertThat(l.e()).isCloseTo(1.8172, within(1e-4));
    assertThat(l.alpha()).isCloseTo(0.34731, within(1e-4));
    assertThat(l.beta()).isCloseTo(0.36718, within(1e-4));
    assertThat(fit.objective()).isCloseTo(0.00101827, within(1e-8));
    assertThat(fit.starts()).isEqualTo(4500);
  }

  @Test
  void bootstrapIntervals_coverEpochsEstimates() {
    Bootstrap b = ChinchillaFitter.hoffmann2022().bootstrap(runs, fit.law(), 100, 42, () -> {});
    assertThat(b.failures()).isZero();
    assertThat(b.interval(ChinchillaLaw::e, 0.95).contains(1.82)).isTrue();
    assertThat(b.interval(ChinchillaLaw::alpha, 0.95).contains(0.348)).isTrue();
    assertThat(b.interval(ChinchillaLaw::beta, 0.95).contains(0.366)).isTrue();
    assertThat(b.interval(ChinchillaLaw::a, 0.95).contains(482)).isTrue();
    assertThat(b.interval(ChinchillaLaw::b, 0.95).contains(2085)).isTrue();
  }
}
