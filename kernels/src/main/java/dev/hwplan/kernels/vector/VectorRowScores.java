package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.ScoreShape;
import dev.hwplan.kernels.Storage;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Scores of several query heads against token-major rows, added in (MLA's scores, where every head
 * meets the same rows), on the Vector API, for fp32 or bf16 rows (see {@link
 * dev.hwplan.kernels.KernelProvider#scoreRows}).
 *
 * <p>The 4 × 4 tile is unrolled by hand on purpose (16 named accumulators): C2 keeps named
 * FloatVector locals in registers but boxes vectors held in an array. Measured in
 * bench/cpu/RESULTS.md, run 6: the tile made MLA (DeepSeek-V3 shape) 2.4× faster in fp32, 1.8× in
 * bf16.
 *
 * @param ld the load of the dtype this instance reads
 */
record VectorRowScores<A>(Load<A> ld) {
  /** {@link dev.hwplan.kernels.KernelProvider#scoreRows}. */
  void scoreRows(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    // Tiles of 4 heads x 4 rows: each loaded vector of q serves 4 rows and each of k 4 heads, so
    // 8 loads feed 16 FMAs; one horizontal sum per score, after the whole row. The edges of the
    // tiles take one dot product per score.
    A keys = ld.array(k);
    for (int h = 0; h < s.heads(); h += 4) {
      int tileHeads = Math.min(4, s.heads() - h);
      int q0 = qOff + h * s.qStride();
      int s0 = sOff + h * s.sStride();
      int t = 0;
      for (; tileHeads == 4 && t + 3 < n; t += 4) {
        scoreRows44(s, q, q0, ld, keys, kOff + t * s.kStride(), scores, s0 + t);
      }
      for (; t < n; t++) {
        for (int hh = 0; hh < tileHeads; hh++) {
          float dot = ld.dot(q, q0 + hh * s.qStride(), keys, kOff + t * s.kStride(), s.d());
          scores[s0 + hh * s.sStride() + t] += dot * s.scale();
        }
      }
    }
  }

  private static <A> void scoreRows44(
      ScoreShape s, float[] q, int q0, Load<A> ld, A k, int k0, float[] scores, int s0) {
    int d = s.d();
    int qStride = s.qStride();
    int kStride = s.kStride();
    int sStride = s.sStride();
    float scale = s.scale();
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a03 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a13 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a23 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    FloatVector a33 = a00;
    int q1 = q0 + qStride;
    int q2 = q1 + qStride;
    int q3 = q2 + qStride;
    int k1 = k0 + kStride;
    int k2 = k1 + kStride;
    int k3 = k2 + kStride;
    int i = 0;
    for (; i + LANES <= d; i += LANES) {
      FloatVector x0 = ld.vector(k, k0 + i);
      FloatVector x1 = ld.vector(k, k1 + i);
      FloatVector x2 = ld.vector(k, k2 + i);
      FloatVector x3 = ld.vector(k, k3 + i);
      FloatVector y = FloatVector.fromArray(F, q, q0 + i);
      a00 = y.fma(x0, a00);
      a01 = y.fma(x1, a01);
      a02 = y.fma(x2, a02);
      a03 = y.fma(x3, a03);
      y = FloatVector.fromArray(F, q, q1 + i);
      a10 = y.fma(x0, a10);
      a11 = y.fma(x1, a11);
      a12 = y.fma(x2, a12);
      a13 = y.fma(x3, a13);
      y = FloatVector.fromArray(F, q, q2 + i);
      a20 = y.fma(x0, a20);
      a21 = y.fma(x1, a21);
      a22 = y.fma(x2, a22);
      a23 = y.fma(x3, a23);
      y = FloatVector.fromArray(F, q, q3 + i);
      a30 = y.fma(x0, a30);
      a31 = y.fma(x1, a31);
      a32 = y.fma(x2, a32);
      a33 = y.fma(x3, a33);
    }
    float[] sums = {
      a00.reduceLanes(VectorOperators.ADD),
      a01.reduceLanes(VectorOperators.ADD),
      a02.reduceLanes(VectorOperators.ADD),
      a03.reduceLanes(VectorOperators.ADD),
      a10.reduceLanes(VectorOperators.ADD),
      a11.reduceLanes(VectorOperators.ADD),
      a12.reduceLanes(VectorOperators.ADD),
      a13.reduceLanes(VectorOperators.ADD),
      a20.reduceLanes(VectorOperators.ADD),
      a21.reduceLanes(VectorOperators.ADD),
      a22.reduceLanes(VectorOperators.ADD),
      a23.reduceLanes(VectorOperators.ADD),
      a30.reduceLanes(VectorOperators.ADD),
      a31.reduceLanes(VectorOperators.ADD),
      a32.reduceLanes(VectorOperators.ADD),
      a33.reduceLanes(VectorOperators.ADD)
    };
    for (; i < d; i++) {
      for (int hh = 0; hh < 4; hh++) {
        float qv = q[q0 + hh * qStride + i];
        for (int tt = 0; tt < 4; tt++) {
          sums[hh * 4 + tt] = Math.fma(qv, ld.scalar(k, k0 + tt * kStride + i), sums[hh * 4 + tt]);
        }
      }
    }
    for (int hh = 0; hh < 4; hh++) {
      for (int tt = 0; tt < 4; tt++) {
        scores[s0 + hh * sStride + tt] += sums[hh * 4 + tt] * scale;
      }
    }
  }
}
