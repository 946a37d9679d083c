package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.GemmMicroKernel;
import jdk.incubator.vector.FloatVector;

/**
 * A 6 × (2·lanes) micro-kernel: 12 vector accumulators, and per step of k two loads of B and six
 * broadcasts of A for twelve FMAs. 6 × 32 on AVX-512 and 6 × 16 on AVX2, as in BLIS's Haswell
 * kernel; 15 of the 16 AVX2 registers.
 */
final class VectorGemmMicroKernel implements GemmMicroKernel {
  private static final int MR = 6;

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return 2 * LANES;
  }

  @Override
  public void compute(
      int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(F);
    FloatVector c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F);
    FloatVector c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F);
    FloatVector c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F);
    FloatVector c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F);
    FloatVector c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F);
    FloatVector c51 = FloatVector.zero(F);
    int a = apOff;
    int b = bpOff;
    int nr = 2 * LANES;
    for (int p = 0; p < kc; p++, a += MR, b += nr) {
      FloatVector b0 = FloatVector.fromArray(F, bp, b);
      FloatVector b1 = FloatVector.fromArray(F, bp, b + LANES);
      FloatVector x = FloatVector.broadcast(F, ap[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(F, ap[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(F, ap[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(F, ap[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(F, ap[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(F, ap[a + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    add(c, cOff, c00, c01);
    add(c, cOff + ldc, c10, c11);
    add(c, cOff + 2 * ldc, c20, c21);
    add(c, cOff + 3 * ldc, c30, c31);
    add(c, cOff + 4 * ldc, c40, c41);
    add(c, cOff + 5 * ldc, c50, c51);
  }

  private static void add(float[] c, int off, FloatVector v0, FloatVector v1) {
    FloatVector.fromArray(F, c, off).add(v0).intoArray(c, off);
    FloatVector.fromArray(F, c, off + LANES).add(v1).intoArray(c, off + LANES);
  }
}
