package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.GemmMicroKernel;

/** A 4 × 4 scalar micro-kernel: 16 accumulators in registers, 8 loads per 16 FMAs. */
final class ScalarGemmMicroKernel implements GemmMicroKernel {
  @Override
  public int mr() {
    return 4;
  }

  @Override
  public int nr() {
    return 4;
  }

  @Override
  public void compute(
      int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc) {
    float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
    float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
    float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    int a = apOff;
    int b = bpOff;
    for (int p = 0; p < kc; p++, a += 4, b += 4) {
      float a0 = ap[a];
      float a1 = ap[a + 1];
      float a2 = ap[a + 2];
      float a3 = ap[a + 3];
      float b0 = bp[b];
      float b1 = bp[b + 1];
      float b2 = bp[b + 2];
      float b3 = bp[b + 3];
      c00 = Math.fma(a0, b0, c00);
      c01 = Math.fma(a0, b1, c01);
      c02 = Math.fma(a0, b2, c02);
      c03 = Math.fma(a0, b3, c03);
      c10 = Math.fma(a1, b0, c10);
      c11 = Math.fma(a1, b1, c11);
      c12 = Math.fma(a1, b2, c12);
      c13 = Math.fma(a1, b3, c13);
      c20 = Math.fma(a2, b0, c20);
      c21 = Math.fma(a2, b1, c21);
      c22 = Math.fma(a2, b2, c22);
      c23 = Math.fma(a2, b3, c23);
      c30 = Math.fma(a3, b0, c30);
      c31 = Math.fma(a3, b1, c31);
      c32 = Math.fma(a3, b2, c32);
      c33 = Math.fma(a3, b3, c33);
    }
    add(c, cOff, c00, c01, c02, c03);
    add(c, cOff + ldc, c10, c11, c12, c13);
    add(c, cOff + 2 * ldc, c20, c21, c22, c23);
    add(c, cOff + 3 * ldc, c30, c31, c32, c33);
  }

  private static void add(float[] c, int off, float v0, float v1, float v2, float v3) {
    c[off] += v0;
    c[off + 1] += v1;
    c[off + 2] += v2;
    c[off + 3] += v3;
  }
}
