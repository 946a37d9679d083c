package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.Bf16;

/** Level-1 BLAS in plain Java: dot products (four accumulators) and axpy, fp32 or bf16 operand. */
final class ScalarLevel1 {
  private ScalarLevel1() {}

  // dot and axpy stay one method per dtype: they are short loops called once per row, and a
  // shared body over the Load ran 1.5-3x slower where both dtypes run in one JVM (see
  // bench/kernels). Tried again on 2026-12-07 (branch dupkern): 2-3x again on scalar GEMV and
  // RMSNorm and on vector bf16 GEMV, although C2 inlined the scalar shared body into each dtype's
  // caller with that dtype's load alone (PrintInlining); scalar fp32 GEMV alone in a JVM was as
  // fast as before.
  static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
      s1 = Math.fma(a[aOff + i + 1], b[bOff + i + 1], s1);
      s2 = Math.fma(a[aOff + i + 2], b[bOff + i + 2], s2);
      s3 = Math.fma(a[aOff + i + 3], b[bOff + i + 3], s3);
    }
    for (; i < n; i++) {
      s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  static float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 = Math.fma(a[aOff + i], Bf16.toFloat(b[bOff + i]), s0);
      s1 = Math.fma(a[aOff + i + 1], Bf16.toFloat(b[bOff + i + 1]), s1);
      s2 = Math.fma(a[aOff + i + 2], Bf16.toFloat(b[bOff + i + 2]), s2);
      s3 = Math.fma(a[aOff + i + 3], Bf16.toFloat(b[bOff + i + 3]), s3);
    }
    for (; i < n; i++) {
      s0 = Math.fma(a[aOff + i], Bf16.toFloat(b[bOff + i]), s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  static void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, Bf16.toFloat(x[xOff + i]), y[yOff + i]);
    }
  }

  /** dst[dstOff+i] = src[srcOff+i] as fp32, for i in [0, n). */
  static <A> void widen(ScalarLoad<A> ld, A src, int srcOff, float[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = ld.get(src, srcOff + i);
    }
  }
}
