package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.GemmMicroKernel;
import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked micro-kernels of 2 vectors of columns: 8 × 32 on AVX-512 (16 of its 32 registers
 * hold C), 6 × 16 on AVX2 (12 of 16, as BLIS's Haswell kernel). Per step of k: two loads of B and
 * one broadcast of A per row, for two FMAs per row.
 *
 * <p>C is updated inline rather than through a helper taking vectors: a vector passed to a method
 * C2 does not inline gets boxed, and on JDK 17 that boxing spread into the loop and cost 8×. For
 * the same reason the rows are unrolled by hand, with named accumulators, rather than one loop over
 * an array of vectors. The 8-row and the 6-row kernels are one body: rows 6 and 7 stand behind
 * {@code MR == 8}, and {@link #MR} is a static final, which C2 takes as a constant: the test folds
 * away and a 6-row machine's four unused accumulators are dead code. Against the two copies (branch
 * dupkern, paired in one JVM, the 6-row path forced by -XX:MaxVectorSize=32): no change beyond the
 * noise of a loaded box on either path.
 */
final class VectorGemmMicroKernel implements GemmMicroKernel {
  /** Rows of A per call: 8 where a vector holds 16 floats, else 6. */
  private static final int MR = LANES >= 16 ? 8 : 6;

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
    FloatVector c60 = FloatVector.zero(F);
    FloatVector c61 = FloatVector.zero(F);
    FloatVector c70 = FloatVector.zero(F);
    FloatVector c71 = FloatVector.zero(F);
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
      if (MR == 8) {
        x = FloatVector.broadcast(F, ap[a + 6]);
        c60 = x.fma(b0, c60);
        c61 = x.fma(b1, c61);
        x = FloatVector.broadcast(F, ap[a + 7]);
        c70 = x.fma(b0, c70);
        c71 = x.fma(b1, c71);
      }
    }
    c00.add(FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
    c01.add(FloatVector.fromArray(F, c, cOff + LANES)).intoArray(c, cOff + LANES);
    c10.add(FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
    c11.add(FloatVector.fromArray(F, c, cOff + ldc + LANES)).intoArray(c, cOff + ldc + LANES);
    c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
    c21.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + LANES))
        .intoArray(c, cOff + 2 * ldc + LANES);
    c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
    c31.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + LANES))
        .intoArray(c, cOff + 3 * ldc + LANES);
    c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
    c41.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + LANES))
        .intoArray(c, cOff + 4 * ldc + LANES);
    c50.add(FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
    c51.add(FloatVector.fromArray(F, c, cOff + 5 * ldc + LANES))
        .intoArray(c, cOff + 5 * ldc + LANES);
    if (MR == 8) {
      c60.add(FloatVector.fromArray(F, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
      c61.add(FloatVector.fromArray(F, c, cOff + 6 * ldc + LANES))
          .intoArray(c, cOff + 6 * ldc + LANES);
      c70.add(FloatVector.fromArray(F, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
      c71.add(FloatVector.fromArray(F, c, cOff + 7 * ldc + LANES))
          .intoArray(c, cOff + 7 * ldc + LANES);
    }
  }
}
