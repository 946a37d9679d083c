package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hwplan.kernels.provider.KernelProviders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector path against the scalar path on awkward sizes, with a tolerance that grows with the
 * size: two results each within γ(n+1)·Σ|terms| of the truth are within twice that of each other.
 * Skipped where the vector path is not running.
 */
class VectorMatchesScalarTest {
  private static KernelProvider vector() {
    KernelProvider v = KernelProviders.get();
    assumeTrue(v.name().equals("vector"), "the vector path is not running in this JVM");
    return v;
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {1, 3, 4, 6, 7, 13, 16, 17, 31, 33, 64, 65, 255, 4097, 4098})
  void primitivesAgree(int n) {
    KernelProvider v = vector();
    KernelProvider s = KernelProviders.scalar();
    float[] a = Inputs.uniform(n, n + 5);
    float[] b = Inputs.uniform(n + 1, n + 5);
    short[] bh = Bf16.fromFloats(b);
    double mag = 0;
    double magH = 0;
    for (int i = 0; i < n; i++) {
      mag += Math.abs((double) a[i + 2] * b[i + 1]);
      magH += Math.abs((double) a[i + 2] * Bf16.toFloat(bh[i + 1]));
    }
    double g = 2 * ErrorBounds.gamma(n + 1);
    assertThat((double) v.dot(a, 2, b, 1, n)).isCloseTo(s.dot(a, 2, b, 1, n), within(g * mag));
    assertThat((double) v.dotBf16(a, 2, bh, 1, n))
        .isCloseTo(s.dotBf16(a, 2, bh, 1, n), within(g * magH));
    float[] y1 = Inputs.uniform(n + 2, n + 3);
    float[] y2 = y1.clone();
    v.axpy(0.7f, a, 1, y1, 2, n);
    s.axpy(0.7f, a, 1, y2, 2, n);
    assertThat(y1).containsExactly(y2); // one FMA per element on both paths
    v.axpyBf16(-1.3f, bh, 0, y1, 1, n);
    s.axpyBf16(-1.3f, bh, 0, y2, 1, n);
    assertThat(y1).containsExactly(y2);
    assertThat(v.max(a, 1, n)).isEqualTo(s.max(a, 1, n));
    assertThat(v.sum(a, 1, n + 1)).isCloseTo(s.sum(a, 1, n + 1), within(g * (n + 1)));
    float[] e1 = a.clone();
    float[] e2 = a.clone();
    float sum1 = v.expShiftSum(e1, 1, n, 0.5f);
    float sum2 = s.expShiftSum(e2, 1, n, 0.5f);
    assertThat((double) sum1).isCloseTo(sum2, within(sum2 * 2 * (n + 8) * ErrorBounds.U));
    for (int i = 1; i <= n; i++) {
      assertThat((double) e1[i]).isCloseTo(e2[i], within(e2[i] * 8 * ErrorBounds.U));
    }
  }

  @ParameterizedTest(name = "d={0}")
  @ValueSource(ints = {1, 3, 7, 16, 17, 64, 129, 512})
  void blockScoresAndWeightedRowsAgree(int d) {
    KernelProvider v = vector();
    KernelProvider s = KernelProviders.scalar();
    for (int heads : new int[] {1, 3, 4, 6, 9}) {
      float[] q = Inputs.uniform(d + heads, (long) heads * d + 1);
      float[] k = Inputs.uniform(d, 16L * d + 2);
      Storage kh = Storage.ofBf16(Bf16.fromFloats(k));
      float[] s1 = new float[heads * 20];
      float[] s2 = new float[heads * 20];
      ScoreShape block = new ScoreShape(heads, d, d, 16 * d, 20, 0.5f);
      v.scoreBlocks(block, q, 1, Storage.of(k), 2, 1, s1, 1);
      s.scoreBlocks(block, q, 1, Storage.of(k), 2, 1, s2, 1);
      double tol = 2 * ErrorBounds.gamma(d + 1) * d * 0.5;
      assertAgree(s1, s2, tol, String.format("fp32 heads=%d", heads));
      v.scoreBlocks(block, q, 1, kh, 2, 1, s1, 1);
      s.scoreBlocks(block, q, 1, kh, 2, 1, s2, 1);
      assertAgree(s1, s2, tol, String.format("bf16 heads=%d", heads));
    }
    for (int tokens : new int[] {1, 5, 16, 33}) {
      float[] w = Inputs.uniform(tokens, tokens + 1, 0f, 1f);
      float[] rows = Inputs.uniform(tokens + d, (long) tokens * d + 3);
      Storage rowsH = Storage.ofBf16(Bf16.fromFloats(rows));
      float[] o1 = Inputs.uniform(7, d + 2);
      float[] o2 = o1.clone();
      WeightShape one = new WeightShape(1, d, 0, 0);
      v.weightedRowsHeads(one, w, 1, Storage.of(rows), 3, tokens, o1, 2);
      s.weightedRowsHeads(one, w, 1, Storage.of(rows), 3, tokens, o2, 2);
      v.weightedRowsHeads(one, w, 1, rowsH, 3, tokens, o1, 1);
      s.weightedRowsHeads(one, w, 1, rowsH, 3, tokens, o2, 1);
      double tol = 4 * ErrorBounds.gamma(tokens + 2) * (tokens + 2);
      assertAgree(o1, o2, tol, String.format("tokens=%d", tokens));
    }
  }

  @ParameterizedTest(name = "d={0}")
  @ValueSource(ints = {1, 3, 7, 16, 17, 64, 129})
  void multiBlockScoresAndMultiHeadRowsAgree(int d) {
    // The register tiles of 4 heads x 4 blocks and 4 heads x 4 vectors, with every remainder.
    KernelProvider v = vector();
    KernelProvider s = KernelProviders.scalar();
    for (int blocks : new int[] {1, 3, 4, 5, 9}) {
      for (int heads : new int[] {1, 2, 3, 4, 5, 9}) {
        int stride = 16 * blocks + 3;
        float[] q = Inputs.uniform(d + heads + blocks, (long) heads * d + 1);
        float[] k = Inputs.uniform(d + blocks, 16L * d * blocks + 2);
        Storage kh = Storage.ofBf16(Bf16.fromFloats(k));
        float[] s1 = new float[heads * stride + 1];
        float[] s2 = new float[heads * stride + 1];
        ScoreShape shape = new ScoreShape(heads, d, d, 16 * d, stride, 0.5f);
        v.scoreBlocks(shape, q, 1, Storage.of(k), 2, blocks, s1, 1);
        s.scoreBlocks(shape, q, 1, Storage.of(k), 2, blocks, s2, 1);
        double tol = 2 * ErrorBounds.gamma(d + 1) * d * 0.5;
        assertAgree(s1, s2, tol, String.format("fp32 blocks=%d heads=%d", blocks, heads));
        v.scoreBlocks(shape, q, 1, kh, 2, blocks, s1, 1);
        s.scoreBlocks(shape, q, 1, kh, 2, blocks, s2, 1);
        assertAgree(s1, s2, tol, String.format("bf16 blocks=%d heads=%d", blocks, heads));
      }
    }
    for (int tokens : new int[] {1, 3, 4, 7, 9}) {
      for (int heads : new int[] {1, 3, 4, 5, 9}) {
        // MLA's scores: heads against token-major rows, added to what is there.
        int kStride = d + 2;
        float[] q = Inputs.uniform(d + heads + tokens, (long) heads * d + 1);
        float[] k = Inputs.uniform(d + tokens, (long) tokens * kStride + 2);
        Storage kh = Storage.ofBf16(Bf16.fromFloats(k));
        float[] s1 = Inputs.uniform(tokens, (long) heads * (tokens + 1) + 1);
        float[] s2 = s1.clone();
        ScoreShape shape = new ScoreShape(heads, d, d, kStride, tokens + 1, 0.5f);
        v.scoreRows(shape, q, 1, Storage.of(k), 2, tokens, s1, 1);
        s.scoreRows(shape, q, 1, Storage.of(k), 2, tokens, s2, 1);
        v.scoreRows(shape, q, 1, kh, 2, tokens, s1, 0);
        s.scoreRows(shape, q, 1, kh, 2, tokens, s2, 0);
        double tol = 4 * ErrorBounds.gamma(d + 2) * (d + 2);
        assertAgree(s1, s2, tol, String.format("rows tokens=%d heads=%d", tokens, heads));
      }
    }
    for (int tokens : new int[] {1, 5, 16, 33}) {
      for (int heads : new int[] {1, 2, 3, 4, 5, 9}) {
        int wStride = tokens + 2;
        float[] w = Inputs.uniform(tokens + heads, (long) heads * wStride + 1, 0f, 1f);
        float[] rows = Inputs.uniform(tokens + d, (long) tokens * d + 3);
        Storage rowsH = Storage.ofBf16(Bf16.fromFloats(rows));
        int outStride = d + 1;
        float[] o1 = Inputs.uniform(7 + heads, (long) heads * outStride + 2);
        float[] o2 = o1.clone();
        WeightShape shape = new WeightShape(heads, d, wStride, outStride);
        v.weightedRowsHeads(shape, w, 1, Storage.of(rows), 3, tokens, o1, 2);
        s.weightedRowsHeads(shape, w, 1, Storage.of(rows), 3, tokens, o2, 2);
        v.weightedRowsHeads(shape, w, 1, rowsH, 3, tokens, o1, 1);
        s.weightedRowsHeads(shape, w, 1, rowsH, 3, tokens, o2, 1);
        double tol = 4 * ErrorBounds.gamma(tokens + 2) * (tokens + 2);
        assertAgree(o1, o2, tol, String.format("tokens=%d heads=%d", tokens, heads));
      }
    }
  }

  @ParameterizedTest(name = "m=n=k={0}")
  @ValueSource(ints = {1, 7, 33, 97, 300})
  void gemmAgrees(int size) {
    KernelProvider v = vector();
    float[] a = Inputs.uniform(size, (long) size * size);
    float[] b = Inputs.uniform(size + 1, (long) size * size);
    float[] c1 = new float[size * size];
    float[] c2 = new float[size * size];
    v.gemm(size, size, size, a, Storage.of(b), c1);
    KernelProviders.scalar().gemm(size, size, size, a, Storage.of(b), c2);
    double tol = 2 * ErrorBounds.gamma(size + 1) * size; // Σ|a·b| <= size for |a|,|b| <= 1
    assertAgree(c1, c2, tol, "gemm");
  }

  /**
   * Every element of {@code actual} is within {@code tol} of the same element of {@code expected}.
   */
  private static void assertAgree(float[] actual, float[] expected, double tol, String what) {
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).as("%s i=%d", what, i).isCloseTo(expected[i], within(tol));
    }
  }
}
