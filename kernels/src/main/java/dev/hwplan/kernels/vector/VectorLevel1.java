package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Level-1 BLAS on the Vector API: dot products and axpy against an fp32 or bf16 operand. Loops run
 * four (dot) or two (axpy) vectors wide with independent accumulators to hide the FMA latency, then
 * one vector wide, then finish with a scalar tail.
 */
final class VectorLevel1 {
  private VectorLevel1() {}

  // dot and axpy stay one method per dtype: they are short loops called once per row, and a
  // shared body over the Load ran 1.5-3x slower where both dtypes run in one JVM (see
  // bench/kernels). Tried again on 2026-12-07 (branch dupkern): 2-3x again on scalar GEMV and
  // RMSNorm and on vector bf16 GEMV, although C2 inlined the scalar shared body into each dtype's
  // caller with that dtype's load alone (PrintInlining); scalar fp32 GEMV alone in a JVM was as
  // fast as before.
  static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = 0;
    for (int end = n - 4 * LANES; i <= end; i += 4 * LANES) {
      s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
      s1 =
          FloatVector.fromArray(F, a, aOff + i + LANES)
              .fma(FloatVector.fromArray(F, b, bOff + i + LANES), s1);
      s2 =
          FloatVector.fromArray(F, a, aOff + i + 2 * LANES)
              .fma(FloatVector.fromArray(F, b, bOff + i + 2 * LANES), s2);
      s3 =
          FloatVector.fromArray(F, a, aOff + i + 3 * LANES)
              .fma(FloatVector.fromArray(F, b, bOff + i + 3 * LANES), s3);
    }
    for (int end = n - LANES; i <= end; i += LANES) {
      s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
    }
    float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum = Math.fma(a[aOff + i], b[bOff + i], sum);
    }
    return sum;
  }

  static float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = 0;
    for (int end = n - 4 * LANES; i <= end; i += 4 * LANES) {
      s0 = FloatVector.fromArray(F, a, aOff + i).fma(Load.BF16.vector(b, bOff + i), s0);
      s1 =
          FloatVector.fromArray(F, a, aOff + i + LANES)
              .fma(Load.BF16.vector(b, bOff + i + LANES), s1);
      s2 =
          FloatVector.fromArray(F, a, aOff + i + 2 * LANES)
              .fma(Load.BF16.vector(b, bOff + i + 2 * LANES), s2);
      s3 =
          FloatVector.fromArray(F, a, aOff + i + 3 * LANES)
              .fma(Load.BF16.vector(b, bOff + i + 3 * LANES), s3);
    }
    for (int end = n - LANES; i <= end; i += LANES) {
      s0 = FloatVector.fromArray(F, a, aOff + i).fma(Load.BF16.vector(b, bOff + i), s0);
    }
    float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum = Math.fma(a[aOff + i], Float.intBitsToFloat(b[bOff + i] << 16), sum);
    }
    return sum;
  }

  static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector va = FloatVector.broadcast(F, alpha);
    int i = 0;
    for (int end = n - 2 * LANES; i <= end; i += 2 * LANES) {
      FloatVector.fromArray(F, x, xOff + i)
          .fma(va, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
      FloatVector.fromArray(F, x, xOff + i + LANES)
          .fma(va, FloatVector.fromArray(F, y, yOff + i + LANES))
          .intoArray(y, yOff + i + LANES);
    }
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, x, xOff + i)
          .fma(va, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  static void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector va = FloatVector.broadcast(F, alpha);
    int i = 0;
    for (int end = n - 2 * LANES; i <= end; i += 2 * LANES) {
      Load.BF16
          .vector(x, xOff + i)
          .fma(va, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
      Load.BF16
          .vector(x, xOff + i + LANES)
          .fma(va, FloatVector.fromArray(F, y, yOff + i + LANES))
          .intoArray(y, yOff + i + LANES);
    }
    for (int end = n - LANES; i <= end; i += LANES) {
      Load.BF16
          .vector(x, xOff + i)
          .fma(va, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, Float.intBitsToFloat(x[xOff + i] << 16), y[yOff + i]);
    }
  }

  /** dst[dstOff+i] = src[srcOff+i] as fp32, for i in [0, n). */
  static <A> void widen(Load<A> ld, A src, int srcOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      ld.vector(src, srcOff + i).intoArray(dst, dstOff + i);
    }
    for (; i < n; i++) {
      dst[dstOff + i] = ld.scalar(src, srcOff + i);
    }
  }
}
