package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.scaling.NamedFit;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class HuberLogLossTest {
  private static final List<ScalingRun> RUNS =
      SyntheticRecoveryTest.synthetic(NamedFit.EPOCH2024.law(), 0.01, 5);

  @Property(tries = 300, seed = "20261207")
  void analyticGradient_matchesCentralDifferences(
      @ForAll @DoubleRange(min = 0, max = 12) double a,
      @ForAll @DoubleRange(min = 0, max = 12) double b,
      @ForAll @DoubleRange(min = -1, max = 1) double e,
      @ForAll @DoubleRange(min = 0.05, max = 1.5) double alpha,
      @ForAll @DoubleRange(min = 0.05, max = 1.5) double beta) {
    HuberLogLoss f = HuberLogLoss.of(RUNS, 1e-3);
    double[] x = {a, b, e, alpha, beta};
    double[] g = new double[5];
    f.valueAndGradient(x, g);
    for (int i = 0; i < 5; i++) {
      double h = 1e-6;
      double[] up = x.clone();
      double[] down = x.clone();
      up[i] += h;
      down[i] -= h;
      double fd =
          (f.valueAndGradient(up, new double[5]) - f.valueAndGradient(down, new double[5]))
              / (2 * h);
      // Huber is only C1: a central difference that straddles the kink at |r| = delta errs by
      // about h (dr/dx)^2 per run, which reached 1.2e-5 on one seed; a wrong gradient is off by
      // O(1), so 1e-4 still catches one.
      assertThat(g[i]).isCloseTo(fd, within(1e-4 * Math.max(1, Math.abs(fd))));
    }
  }

  @Test
  void isHuberOfLogResiduals_quadraticInsideDelta_linearOutside() {
    List<ScalingRun> one = List.of(new ScalingRun(1e9, 2e10, 3.0));
    HuberLogLoss f = HuberLogLoss.of(one, 1e-3);
    // x with A/N^alpha = B/D^beta ~ 0 leaves log L-hat = e.
    double[] g = new double[5];
    double small = Math.log(3.0) + 5e-4;
    assertThat(f.valueAndGradient(new double[] {-50, -50, small, 1, 1}, g))
        .isCloseTo(0.5 * 5e-4 * 5e-4, within(1e-15));
    double large = Math.log(3.0) - 0.1;
    assertThat(f.valueAndGradient(new double[] {-50, -50, large, 1, 1}, g))
        .isCloseTo(1e-3 * (0.1 - 0.5e-3), within(1e-12));
  }

  @Test
  void bootstrapCounts_weightPointsLikeCopies() {
    int[] counts = new int[RUNS.size()];
    counts[0] = 3;
    counts[5] = 1;
    double[] x = {6, 7, 0.5, 0.34, 0.36};
    double weighted =
        HuberLogLoss.of(RUNS, 1e-3).reweighted(counts).valueAndGradient(x, new double[5]);
    double copies =
        HuberLogLoss.of(List.of(RUNS.get(0), RUNS.get(0), RUNS.get(0), RUNS.get(5)), 1e-3)
            .valueAndGradient(x, new double[5]);
    assertThat(weighted).isCloseTo(copies, within(1e-15));
  }
}
