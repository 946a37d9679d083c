package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GemmGemvTest {

  static List<Arguments> gemmCases() {
    int[][] shapes = {
      {1, 1, 1},
      {3, 7, 17},
      {17, 33, 7},
      {7, 4097, 3},
      {1, 17, 4097},
      {65, 97, 300},
      {130, 600, 259}
    };
    List<Arguments> out = new ArrayList<>();
    for (KernelProvider p : TestProviders.underTest()) {
      for (int[] s : shapes) {
        for (String dtype : List.of("fp32", "bf16")) {
          out.add(Arguments.of(p.name(), s[0], s[1], s[2], dtype));
        }
      }
    }
    return out;
  }

  static List<Arguments> gemvCases() {
    int[][] shapes = {{1, 1}, {3, 4097}, {4097, 7}, {17, 17}, {1000, 300}, {7, 3}};
    List<Arguments> out = new ArrayList<>();
    for (KernelProvider p : TestProviders.underTest()) {
      for (int[] s : shapes) {
        for (String dtype : List.of("fp32", "bf16")) {
          out.add(Arguments.of(p.name(), s[0], s[1], dtype));
        }
      }
    }
    return out;
  }

  private static KernelProvider provider(String name) {
    return TestProviders.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @ParameterizedTest(name = "{0} m={1} n={2} k={3} {4}")
  @MethodSource("gemmCases")
  void gemmMatchesDoubleReferenceWithinGammaK(String name, int m, int n, int k, String dtype) {
    KernelProvider p = provider(name);
    float[] a = Inputs.uniform(m * 1000L + n, (long) m * k);
    Storage b = Inputs.storage(Inputs.uniform(k * 7L + n, (long) k * n), dtype);
    float[] c = Inputs.uniform(1, (long) m * n); // garbage that must be overwritten
    p.gemm(m, n, k, a, b, c);
    double gamma = ErrorBounds.gamma(k + 1);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double mag = 0;
        for (int l = 0; l < k; l++) {
          double t = (double) a[i * k + l] * b.get(l * n + j);
          s += t;
          mag += Math.abs(t);
        }
        assertThat((double) c[i * n + j]).as("C[%d][%d]", i, j).isCloseTo(s, within(gamma * mag));
      }
    }
  }

  @ParameterizedTest(name = "{0} m={1} k={2} {3}")
  @MethodSource("gemvCases")
  void gemvMatchesDoubleReferenceWithinGammaK(String name, int m, int k, String dtype) {
    KernelProvider p = provider(name);
    float[] aRaw = Inputs.uniform(m * 31L + k, (long) m * k);
    Storage a = Inputs.storage(aRaw, dtype);
    float[] x = Inputs.uniform(k, k);
    float[] y = new float[m];
    p.gemv(m, k, a, x, y);
    for (int i = 0; i < m; i++) {
      Reference.Value ref = Reference.dot(x, 0, a, i * k, k);
      assertThat((double) y[i])
          .as("y[%d]", i)
          .isCloseTo(ref.value(), within(ErrorBounds.gamma(k + 1) * ref.magnitude()));
      if (dtype.equals("bf16")) {
        // Against the fp32 weights before rounding: bf16's 2^-8 per element on top.
        Reference.Value exact = Reference.dot(x, 0, Storage.of(aRaw), i * k, k);
        double bound = (ErrorBounds.gamma(k + 1) + Bf16.UNIT_ROUNDOFF) * exact.magnitude() * 1.01;
        assertThat((double) y[i]).isCloseTo(exact.value(), within(bound));
      }
    }
  }
}
