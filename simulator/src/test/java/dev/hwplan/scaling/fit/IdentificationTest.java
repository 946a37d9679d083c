package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.scaling.ChinchillaLaw;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Runs that do not identify the five constants are named as such, and a bootstrap whose resamples
 * mostly cannot identify them reports its intervals as undetermined instead of as certain.
 */
class IdentificationTest {
  private static final ChinchillaLaw TRUTH = new ChinchillaLaw(1.8, 480, 2100, 0.35, 0.37);

  /** {@code sizes} x {@code tokens} runs on a grid, 1% noise. */
  private static List<ScalingRun> grid(int sizes, int tokens, long seed) {
    Random rng = new Random(seed);
    List<ScalingRun> runs = new ArrayList<>();
    for (int i = 0; i < sizes; i++) {
      double n = 5e7 * Math.pow(100, i / (double) Math.max(1, sizes - 1));
      for (int j = 0; j < tokens; j++) {
        double d = n * 5 * Math.pow(40, j / (double) Math.max(1, tokens - 1));
        runs.add(new ScalingRun(n, d, TRUTH.loss(n, d) * Math.exp(0.01 * rng.nextGaussian())));
      }
    }
    return runs;
  }

  @Test
  void sixCopiesOfOneRunIdentifyNothing() {
    List<ScalingRun> six = Collections.nCopies(6, new ScalingRun(1e8, 2e9, 3.0));
    assertThat(ScalingRuns.identificationProblem(six))
        .startsWith(
            "6 runs at 1 distinct model size(s), 1 distinct token count(s) and 1 distinct (size,"
                + " tokens) point(s) do not identify the 5 constants");
  }

  @Test
  void twoSizesOrTwoTokenCountsOrFivePointsAreNotEnough() {
    assertThat(ScalingRuns.identificationProblem(grid(2, 5, 1)))
        .contains("2 distinct model size(s)");
    List<ScalingRun> twoTokenCounts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      for (double d : new double[] {1e9, 1e10}) {
        twoTokenCounts.add(new ScalingRun(1e8 * (i + 1), d, TRUTH.loss(1e8 * (i + 1), d)));
      }
    }
    assertThat(ScalingRuns.identificationProblem(twoTokenCounts))
        .contains("2 distinct token count(s)");
    List<ScalingRun> diagonal = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      diagonal.add(new ScalingRun(1e8 * (i + 1), 2e9 * (i + 1), 3.0 - 0.1 * i));
    }
    assertThat(ScalingRuns.identificationProblem(diagonal)).contains("5 distinct (size, tokens)");
    assertThat(ScalingRuns.identificationProblem(grid(3, 3, 1))).isNull();
  }

  @Test
  void aNineRunGridFitsButItsBootstrapIntervalsAreUndetermined() {
    List<ScalingRun> runs = grid(3, 3, 5);
    ChinchillaFitter fitter = ChinchillaFitter.hoffmann2022();
    PointFit fit = fitter.fit(runs);
    Bootstrap b = fitter.bootstrap(runs, fit.law(), 200, 42, () -> {});
    // A resample of 9 draws holds about 5.8 distinct runs: a third cannot identify 5 constants.
    assertThat(b.unidentified()).isGreaterThan((int) (Bootstrap.MAX_UNIDENTIFIED_SHARE * 200));
    assertThat(b.samples()).hasSize(200 - b.unidentified() - b.failures());
    assertThat(b.undetermined()).contains("intervals undetermined");
  }

  @Test
  void aWellSpreadGridHasNoUnidentifiedRoundsAndDeterminedIntervals() {
    List<ScalingRun> runs = grid(6, 5, 7);
    ChinchillaFitter fitter = ChinchillaFitter.hoffmann2022();
    Bootstrap b = fitter.bootstrap(runs, fitter.fit(runs).law(), 50, 42, () -> {});
    assertThat(b.unidentified()).isZero();
    assertThat(b.undetermined()).isNull();
    Interval alpha = b.interval(ChinchillaLaw::alpha, 0.95);
    assertThat(alpha.high()).isGreaterThan(alpha.low());
  }
}
