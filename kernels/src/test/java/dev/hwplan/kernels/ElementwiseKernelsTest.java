package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.kernels.provider.KernelProviders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElementwiseKernelsTest {
  static final int[] SIZES = {1, 3, 7, 17, 64, 4097};

  static List<Arguments> sized() {
    List<Arguments> out = new ArrayList<>();
    for (KernelProvider p : TestProviders.underTest()) {
      for (int n : SIZES) {
        out.add(Arguments.of(p, n));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("sized")
  void softmaxOfLargeLogitsDoesNotOverflowAndMatchesDouble(KernelProvider p, int n) {
    // Logits around ±1000: exp overflows fp32 (and double) unless the maximum is subtracted.
    float[] x = Inputs.uniform(n, n, -1000f, 1000f);
    for (int i = 0; i < n; i += 2) {
      x[i] = x[i] / 1000f + 1000f; // a cluster near the top, so several weights are non-zero
    }
    float[] y = x.clone();
    p.softmax(y, 0, n);
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v - max);
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double ref = Math.exp(x[i] - max) / sum;
      double bound =
          ref * (2 * (n + 16) * ErrorBounds.U + 2 * Math.abs(x[i] - max) * ErrorBounds.U) + 1e-45;
      assertThat((double) y[i]).as("i=%d", i).isCloseTo(ref, within(bound));
      total += y[i];
    }
    assertThat(total).isCloseTo(1.0, within(1e-5));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.hwplan.kernels.TestProviders#stream")
  void softmaxGivesMaskedEntriesZeroAndAFullyMaskedRowZeros(KernelProvider p) {
    float ninf = Float.NEGATIVE_INFINITY;
    float[] x = {0f, ninf, 0f, ninf, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, ninf};
    p.softmax(x, 0, x.length);
    assertThat(x[1]).isZero();
    assertThat(x[17]).isZero();
    assertThat((double) x[0]).isCloseTo(1.0 / 15, within(1e-7));
    float[] all = {ninf, ninf, ninf};
    p.softmax(all, 0, 3);
    assertThat(all).containsExactly(0f, 0f, 0f);
    float[] inf = {1f, Float.POSITIVE_INFINITY, 2f, Float.POSITIVE_INFINITY};
    p.softmax(inf, 0, 4);
    assertThat(inf).containsExactly(0f, 0.5f, 0f, 0.5f);
    float[] nan = {1f, Float.NaN, 2f};
    p.softmax(nan, 0, 3);
    assertThat(nan[0]).isNaN();
  }

  @ParameterizedTest(name = "{0} dim={1}")
  @MethodSource("sized")
  void rmsNormMatchesDouble(KernelProvider p, int dim) {
    int rows = 3;
    float[] x = Inputs.uniform(dim, (long) rows * dim, -3f, 3f);
    float[] w = Inputs.uniform(dim + 1, dim, 0.5f, 1.5f);
    float[] out = new float[rows * dim];
    float eps = 1e-5f;
    p.rmsNorm(x, w, eps, out, rows, dim);
    for (int r = 0; r < rows; r++) {
      double ms = 0;
      for (int i = 0; i < dim; i++) {
        ms += (double) x[r * dim + i] * x[r * dim + i];
      }
      double s = 1 / Math.sqrt(ms / dim + eps);
      for (int i = 0; i < dim; i++) {
        double ref = x[r * dim + i] * (double) w[i] * s;
        double bound = Math.abs(ref) * 2 * (dim + 8) * ErrorBounds.U;
        assertThat((double) out[r * dim + i]).isCloseTo(ref, within(bound));
      }
    }
  }

  static List<Arguments> ropeCases() {
    List<Arguments> out = new ArrayList<>();
    for (KernelProvider p : TestProviders.underTest()) {
      for (int headDim : new int[] {2, 6, 34, 128}) {
        out.add(Arguments.of(p, headDim));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} headDim={1}")
  @MethodSource("ropeCases")
  void ropeRotatesEachPairByPositionTimesInverseFrequency(KernelProvider p, int headDim) {
    int tokens = 5;
    int heads = 3;
    int first = 4090;
    RopeTable table = new RopeTable(headDim, 4096, 500000);
    float[] x = Inputs.uniform(headDim, (long) tokens * heads * headDim);
    float[] y = x.clone();
    p.rope(y, tokens, heads, headDim, first - 1, table);
    int half = headDim / 2;
    for (int t = 0; t < tokens; t++) {
      for (int h = 0; h < heads; h++) {
        int base = (t * heads + h) * headDim;
        for (int i = 0; i < half; i++) {
          double angle = (first - 1 + t) * Math.pow(500000, -2.0 * i / headDim);
          double a = x[base + i];
          double b = x[base + half + i];
          double bound = 8 * ErrorBounds.U * (Math.abs(a) + Math.abs(b)) + 1e-7 * 0;
          // The table holds the angle's cos and sin rounded to fp32: within u each.
          assertThat((double) y[base + i])
              .isCloseTo(a * Math.cos(angle) - b * Math.sin(angle), within(bound));
          assertThat((double) y[base + half + i])
              .isCloseTo(b * Math.cos(angle) + a * Math.sin(angle), within(bound));
        }
      }
    }
  }

  @Test
  void ropePreservesNormAndPositionZeroIsIdentity() {
    KernelProvider p = KernelProviders.get();
    RopeTable table = new RopeTable(8, 16, 10000);
    float[] x = Inputs.uniform(3, 8);
    float[] y = x.clone();
    p.rope(y, 1, 1, 8, 0, table);
    assertThat(y).containsExactly(x);
  }
}
