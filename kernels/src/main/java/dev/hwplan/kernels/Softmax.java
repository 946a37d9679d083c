package dev.hwplan.kernels;

import java.util.Arrays;

/** The numerically safe softmax behind {@link KernelProvider#softmax}. */
final class Softmax {
  private Softmax() {}

  static void run(KernelProvider p, float[] x, int off, int n) {
    if (n <= 0) {
      return;
    }
    float m = p.max(x, off, n);
    if (Float.isNaN(m)) {
      Arrays.fill(x, off, off + n, Float.NaN);
      return;
    }
    if (m == Float.NEGATIVE_INFINITY) {
      // Every entry masked: no mass to spread. Zeros, rather than the NaN of 0/0.
      Arrays.fill(x, off, off + n, 0f);
      return;
    }
    if (m == Float.POSITIVE_INFINITY) {
      int count = 0;
      for (int i = off; i < off + n; i++) {
        count += x[i] == Float.POSITIVE_INFINITY ? 1 : 0;
      }
      for (int i = off; i < off + n; i++) {
        x[i] = x[i] == Float.POSITIVE_INFINITY ? 1f / count : 0f;
      }
      return;
    }
    // Subtracting the maximum makes every exponent <= 0: no overflow, and the sum is >= 1.
    float sum = p.expShiftSum(x, off, n, m);
    p.scale(x, off, n, 1f / sum);
  }
}
