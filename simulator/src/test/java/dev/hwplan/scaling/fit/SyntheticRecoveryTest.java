package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.hwplan.scaling.ChinchillaLaw;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** Fits to data drawn from known constants with small seeded noise recover the constants. */
class SyntheticRecoveryTest {
  private static final ChinchillaLaw TRUTH = new ChinchillaLaw(1.8, 480, 2100, 0.35, 0.37);

  /** 8 model sizes from 50M to 10B, each at 8 token counts from 5 to 200 tokens/param. */
  static List<ScalingRun> synthetic(ChinchillaLaw law, double noise, long seed) {
    Random rng = new Random(seed);
    List<ScalingRun> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double n = 5e7 * Math.pow(200, i / 7.0);
      for (int j = 0; j < 8; j++) {
        double d = n * 5 * Math.pow(40, j / 7.0);
        double loss = law.loss(n, d) * Math.exp(noise * rng.nextGaussian());
        runs.add(new ScalingRun(n, d, loss));
      }
    }
    return runs;
  }

  @Test
  void recoversKnownConstants_fromNoisyRuns() {
    PointFit fit = ChinchillaFitter.hoffmann2022().fit(synthetic(TRUTH, 0.003, 42));
    ChinchillaLaw l = fit.law();
    assertThat(l.e()).isCloseTo(TRUTH.e(), withPercentage(2));
    assertThat(l.alpha()).isCloseTo(TRUTH.alpha(), within(0.03));
    assertThat(l.beta()).isCloseTo(TRUTH.beta(), within(0.03));
  }

  @Test
  void recoversKnownConstants_exactlyWithoutNoise() {
    PointFit fit = ChinchillaFitter.hoffmann2022().fit(synthetic(TRUTH, 0, 1));
    ChinchillaLaw l = fit.law();
    assertThat(l.e()).isCloseTo(TRUTH.e(), withPercentage(0.01));
    assertThat(l.alpha()).isCloseTo(TRUTH.alpha(), within(1e-4));
    assertThat(l.beta()).isCloseTo(TRUTH.beta(), within(1e-4));
    assertThat(l.a()).isCloseTo(TRUTH.a(), withPercentage(0.1));
    assertThat(l.b()).isCloseTo(TRUTH.b(), withPercentage(0.1));
  }

  @Test
  void bootstrap_isTheSameForTheSameSeed_onAnyNumberOfThreads() throws Exception {
    List<ScalingRun> runs = synthetic(TRUTH, 0.003, 7);
    ChinchillaFitter fitter = ChinchillaFitter.hoffmann2022();
    ForkJoinPool one = new ForkJoinPool(1);
    ForkJoinPool four = new ForkJoinPool(4);
    try {
      Bootstrap a = one.submit(() -> fitter.bootstrap(runs, TRUTH, 40, 123, () -> {})).get();
      Bootstrap b = four.submit(() -> fitter.bootstrap(runs, TRUTH, 40, 123, () -> {})).get();
      Bootstrap c = fitter.bootstrap(runs, TRUTH, 40, 124, () -> {});
      assertThat(a.samples()).isEqualTo(b.samples());
      assertThat(a.samples()).isNotEqualTo(c.samples());
      assertThat(a.interval(ChinchillaLaw::alpha, 0.9).contains(TRUTH.alpha())).isTrue();
    } finally {
      one.shutdown();
      four.shutdown();
    }
  }
}
