package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.kernels.ScoreShape;
import dev.hwplan.kernels.Storage;
import jdk.incubator.vector.FloatVector;

/**
 * Decode attention's scores against keys in the {@link KeyLayout#BLOCKED} layout, on the Vector
 * API, for fp32 or bf16 keys (see {@link dev.hwplan.kernels.KernelProvider#scoreBlocks}).
 *
 * <p>The register tiles (4 heads × 4 blocks, 2 × 4, 1 × 4, and the one-block loops of 4, 2 and 1
 * heads) are unrolled by hand on purpose, each a small method of its own: C2 keeps named
 * FloatVector locals in registers (an array of vectors would box them), and boxed them when the
 * tiles were inlined into one large method (10× slower). Measured in bench/cpu/RESULTS.md, run 6:
 * the tiles made GQA 32/8 fp32 blocked attention 28% faster, bf16 21%.
 *
 * @param ld the load of the dtype this instance reads
 */
record VectorBlockScores<A>(Load<A> ld) {
  /** Scores of {@code s.heads()} queries against one block of 16 keys. */
  private static <A> void scoreBlock(
      ScoreShape s, float[] q, int qOff, Load<A> ld, A k, int kOff, float[] scores, int sOff) {
    int heads = s.heads();
    int d = s.d();
    int qStride = s.qStride();
    int sStride = s.sStride();
    float scale = s.scale();
    // One vector holds 16 tokens' partial scores (or half of them, on 256-bit machines); each
    // dimension is one broadcast of q and one FMA per head: no horizontal sums at all. Heads go
    // four, two or one at a time, with the dimensions split over chains so that at least four
    // independent FMA chains hide the latency.
    for (int v = 0; v < KeyLayout.BLOCK; v += LANES) {
      int h = 0;
      for (; h + 3 < heads; h += 4) {
        int q0 = qOff + h * qStride;
        int q1 = q0 + qStride;
        int q2 = q1 + qStride;
        int q3 = q2 + qStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int kk = kOff + v;
        for (int i = 0; i < d; i++, kk += KeyLayout.BLOCK) {
          FloatVector kv = ld.vector(k, kk);
          a0 = FloatVector.broadcast(F, q[q0 + i]).fma(kv, a0);
          a1 = FloatVector.broadcast(F, q[q1 + i]).fma(kv, a1);
          a2 = FloatVector.broadcast(F, q[q2 + i]).fma(kv, a2);
          a3 = FloatVector.broadcast(F, q[q3 + i]).fma(kv, a3);
        }
        int so = sOff + h * sStride + v;
        a0.mul(scale).intoArray(scores, so);
        a1.mul(scale).intoArray(scores, so + sStride);
        a2.mul(scale).intoArray(scores, so + 2 * sStride);
        a3.mul(scale).intoArray(scores, so + 3 * sStride);
      }
      for (; h + 1 < heads; h += 2) {
        int q0 = qOff + h * qStride;
        int q1 = q0 + qStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        int kk = kOff + v;
        int i = 0;
        for (; i + 1 < d; i += 2, kk += 2 * KeyLayout.BLOCK) {
          FloatVector ka = ld.vector(k, kk);
          FloatVector kb = ld.vector(k, kk + KeyLayout.BLOCK);
          a0 = FloatVector.broadcast(F, q[q0 + i]).fma(ka, a0);
          a1 = FloatVector.broadcast(F, q[q1 + i]).fma(ka, a1);
          b0 = FloatVector.broadcast(F, q[q0 + i + 1]).fma(kb, b0);
          b1 = FloatVector.broadcast(F, q[q1 + i + 1]).fma(kb, b1);
        }
        if (i < d) {
          FloatVector ka = ld.vector(k, kk);
          a0 = FloatVector.broadcast(F, q[q0 + i]).fma(ka, a0);
          a1 = FloatVector.broadcast(F, q[q1 + i]).fma(ka, a1);
        }
        int so = sOff + h * sStride + v;
        a0.add(b0).mul(scale).intoArray(scores, so);
        a1.add(b1).mul(scale).intoArray(scores, so + sStride);
      }
      for (; h < heads; h++) {
        int qh = qOff + h * qStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int kk = kOff + v;
        int i = 0;
        for (; i + 3 < d; i += 4, kk += 4 * KeyLayout.BLOCK) {
          a0 = FloatVector.broadcast(F, q[qh + i]).fma(ld.vector(k, kk), a0);
          a1 = FloatVector.broadcast(F, q[qh + i + 1]).fma(ld.vector(k, kk + KeyLayout.BLOCK), a1);
          a2 =
              FloatVector.broadcast(F, q[qh + i + 2])
                  .fma(ld.vector(k, kk + 2 * KeyLayout.BLOCK), a2);
          a3 =
              FloatVector.broadcast(F, q[qh + i + 3])
                  .fma(ld.vector(k, kk + 3 * KeyLayout.BLOCK), a3);
        }
        for (; i < d; i++, kk += KeyLayout.BLOCK) {
          a0 = FloatVector.broadcast(F, q[qh + i]).fma(ld.vector(k, kk), a0);
        }
        a0.add(a1).add(a2.add(a3)).mul(scale).intoArray(scores, sOff + h * sStride + v);
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#scoreBlocks}. */
  void scoreBlocks(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    // Register tiles of up to 4 heads x 4 key n (64 tokens): each key vector, loaded once,
    // serves every head of the tile, and each broadcast of q serves 4 n; 16 independent FMA
    // chains hide the latency. A tile needs a block to be one vector; where it is not (256-bit
    // machines), every block goes through scoreBlock.
    A keys = ld.array(k);
    int heads = s.heads();
    int bs = s.kStride();
    int b = 0;
    for (; LANES == KeyLayout.BLOCK && b + 3 < n; b += 4) {
      int kb = kOff + b * bs;
      int sb = sOff + b * KeyLayout.BLOCK;
      int h = 0;
      for (; h + 3 < heads; h += 4) {
        score44(s, q, qOff + h * s.qStride(), ld, keys, kb, scores, sb + h * s.sStride());
      }
      for (; h + 1 < heads; h += 2) {
        score24(s, q, qOff + h * s.qStride(), ld, keys, kb, scores, sb + h * s.sStride());
      }
      for (; h < heads; h++) {
        score14(s, q, qOff + h * s.qStride(), ld, keys, kb, scores, sb + h * s.sStride());
      }
    }
    for (; b < n; b++) {
      scoreBlock(s, q, qOff, ld, keys, kOff + b * bs, scores, sOff + b * KeyLayout.BLOCK);
    }
  }

  private static <A> void score44(
      ScoreShape s, float[] q, int q0, Load<A> ld, A k, int kb, float[] scores, int so) {
    int d = s.d();
    int qStride = s.qStride();
    int bs = s.kStride();
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
    int kk = kb;
    for (int i = 0; i < d; i++, kk += KeyLayout.BLOCK) {
      FloatVector k0 = ld.vector(k, kk);
      FloatVector k1 = ld.vector(k, kk + bs);
      FloatVector k2 = ld.vector(k, kk + 2 * bs);
      FloatVector k3 = ld.vector(k, kk + 3 * bs);
      FloatVector x = FloatVector.broadcast(F, q[q0 + i]);
      a00 = x.fma(k0, a00);
      a01 = x.fma(k1, a01);
      a02 = x.fma(k2, a02);
      a03 = x.fma(k3, a03);
      x = FloatVector.broadcast(F, q[q0 + qStride + i]);
      a10 = x.fma(k0, a10);
      a11 = x.fma(k1, a11);
      a12 = x.fma(k2, a12);
      a13 = x.fma(k3, a13);
      x = FloatVector.broadcast(F, q[q0 + 2 * qStride + i]);
      a20 = x.fma(k0, a20);
      a21 = x.fma(k1, a21);
      a22 = x.fma(k2, a22);
      a23 = x.fma(k3, a23);
      x = FloatVector.broadcast(F, q[q0 + 3 * qStride + i]);
      a30 = x.fma(k0, a30);
      a31 = x.fma(k1, a31);
      a32 = x.fma(k2, a32);
      a33 = x.fma(k3, a33);
    }
    int sStride = s.sStride();
    a00.mul(scale).intoArray(scores, so);
    a01.mul(scale).intoArray(scores, so + LANES);
    a02.mul(scale).intoArray(scores, so + 2 * LANES);
    a03.mul(scale).intoArray(scores, so + 3 * LANES);
    a10.mul(scale).intoArray(scores, so + sStride);
    a11.mul(scale).intoArray(scores, so + sStride + LANES);
    a12.mul(scale).intoArray(scores, so + sStride + 2 * LANES);
    a13.mul(scale).intoArray(scores, so + sStride + 3 * LANES);
    a20.mul(scale).intoArray(scores, so + 2 * sStride);
    a21.mul(scale).intoArray(scores, so + 2 * sStride + LANES);
    a22.mul(scale).intoArray(scores, so + 2 * sStride + 2 * LANES);
    a23.mul(scale).intoArray(scores, so + 2 * sStride + 3 * LANES);
    a30.mul(scale).intoArray(scores, so + 3 * sStride);
    a31.mul(scale).intoArray(scores, so + 3 * sStride + LANES);
    a32.mul(scale).intoArray(scores, so + 3 * sStride + 2 * LANES);
    a33.mul(scale).intoArray(scores, so + 3 * sStride + 3 * LANES);
  }

  private static <A> void score24(
      ScoreShape s, float[] q, int q0, Load<A> ld, A k, int kb, float[] scores, int so) {
    int d = s.d();
    int qStride = s.qStride();
    int bs = s.kStride();
    float scale = s.scale();
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a03 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a13 = a00;
    int kk = kb;
    for (int i = 0; i < d; i++, kk += KeyLayout.BLOCK) {
      FloatVector k0 = ld.vector(k, kk);
      FloatVector k1 = ld.vector(k, kk + bs);
      FloatVector k2 = ld.vector(k, kk + 2 * bs);
      FloatVector k3 = ld.vector(k, kk + 3 * bs);
      FloatVector x = FloatVector.broadcast(F, q[q0 + i]);
      a00 = x.fma(k0, a00);
      a01 = x.fma(k1, a01);
      a02 = x.fma(k2, a02);
      a03 = x.fma(k3, a03);
      x = FloatVector.broadcast(F, q[q0 + qStride + i]);
      a10 = x.fma(k0, a10);
      a11 = x.fma(k1, a11);
      a12 = x.fma(k2, a12);
      a13 = x.fma(k3, a13);
    }
    int sStride = s.sStride();
    a00.mul(scale).intoArray(scores, so);
    a01.mul(scale).intoArray(scores, so + LANES);
    a02.mul(scale).intoArray(scores, so + 2 * LANES);
    a03.mul(scale).intoArray(scores, so + 3 * LANES);
    a10.mul(scale).intoArray(scores, so + sStride);
    a11.mul(scale).intoArray(scores, so + sStride + LANES);
    a12.mul(scale).intoArray(scores, so + sStride + 2 * LANES);
    a13.mul(scale).intoArray(scores, so + sStride + 3 * LANES);
  }

  private static <A> void score14(
      ScoreShape s, float[] q, int q0, Load<A> ld, A k, int kb, float[] scores, int so) {
    int d = s.d();
    int bs = s.kStride();
    float scale = s.scale();
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int kk = kb;
    for (int i = 0; i < d; i++, kk += KeyLayout.BLOCK) {
      FloatVector x = FloatVector.broadcast(F, q[q0 + i]);
      a0 = x.fma(ld.vector(k, kk), a0);
      a1 = x.fma(ld.vector(k, kk + bs), a1);
      a2 = x.fma(ld.vector(k, kk + 2 * bs), a2);
      a3 = x.fma(ld.vector(k, kk + 3 * bs), a3);
    }
    a0.mul(scale).intoArray(scores, so);
    a1.mul(scale).intoArray(scores, so + LANES);
    a2.mul(scale).intoArray(scores, so + 2 * LANES);
    a3.mul(scale).intoArray(scores, so + 3 * LANES);
  }
}
