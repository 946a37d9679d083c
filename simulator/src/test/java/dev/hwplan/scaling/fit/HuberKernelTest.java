package dev.hwplan.scaling.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector kernel agrees with the scalar one, on awkward sizes and where exp overflows. */
class HuberKernelTest {
  @Test
  void vectorKernelLoads_whereTheModuleIsPresent() {
    // Surefire runs with --add-modules jdk.incubator.vector, as the launcher does.
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertThat(HuberKernel.best().name()).startsWith(module ? "vector" : "scalar");
    System.setProperty(HuberKernel.PROPERTY, "false");
    try {
      assertThat(HuberKernel.best().name()).isEqualTo("scalar");
    } finally {
      System.clearProperty(HuberKernel.PROPERTY);
    }
  }

  @Test
  void bestKernel_matchesScalar_onAwkwardSizes() {
    HuberKernel best = HuberKernel.best();
    HuberKernel scalar = new ScalarHuberKernel();
    Random rng = new Random(3);
    double[][] xs = {
      {6, 7, 0.5, 0.34, 0.36},
      {0, 0, -1, 0, 0},
      {25, 25, 1, 2, 2},
      {800, 5, 0, 0.1, 0.3},
      {-900, -900, -800, 1, 1}
    };
    for (int n : new int[] {1, 3, 4, 7, 8, 9, 13, 16, 31, 240, 4098}) {
      double[] ln = new double[n];
      double[] ld = new double[n];
      double[] ll = new double[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        ln[i] = Math.log(5e7) + 6 * rng.nextDouble();
        ld[i] = Math.log(1e9) + 6 * rng.nextDouble();
        ll[i] = Math.log(2 + 2 * rng.nextDouble());
        w[i] = 1 + rng.nextInt(3);
      }
      HuberPoints points = new HuberPoints(ln, ld, ll, w, 1e-3);
      for (double[] x : xs) {
        double[] g1 = new double[5];
        double[] g2 = new double[5];
        double f1 = best.evaluate(points, x, g1);
        double f2 = scalar.evaluate(points, x, g2);
        assertThat(f1).isCloseTo(f2, within(1e-12 * Math.max(1, Math.abs(f2)) * n));
        for (int k = 0; k < 5; k++) {
          assertThat(g1[k]).isCloseTo(g2[k], within(1e-12 * Math.max(1, Math.abs(g2[k])) * n));
        }
      }
    }
  }
}
