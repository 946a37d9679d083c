package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.BF16;
import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.I;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.GemmMicroKernel;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.KeyLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The kernels on the Java Vector API. Loops run four vectors wide with independent accumulators to
 * hide the FMA latency, then one vector wide, then finish with a scalar tail. bf16 is widened in
 * registers: 16-bit lanes are sign-extended to 32 bits and shifted left by 16, which leaves the
 * exact fp32 pattern.
 *
 * <p>Loaded by reflection from {@link dev.hwplan.kernels.provider.KernelProviders} only when the
 * incubator module is present.
 */
public final class VectorKernelProvider implements KernelProvider {
  private final GemmMicroKernel microKernel = new VectorGemmMicroKernel();

  /** Fails (with a LinkageError or similar) where the Vector API cannot be used. */
  public VectorKernelProvider() {
    if (F.vectorBitSize() < 128) {
      throw new UnsupportedOperationException(
          "the preferred vector width is " + F.vectorBitSize() + " bits; need at least 128");
    }
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public int vectorBitSize() {
    return F.vectorBitSize();
  }

  private static FloatVector widen(short[] b, int off) {
    return (FloatVector)
        ShortVector.fromArray(BF16, b, off)
            .convertShape(VectorOperators.S2I, I, 0)
            .lanewise(VectorOperators.LSHL, 16)
            .reinterpretAsFloats();
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
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

  @Override
  public float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = 0;
    for (int end = n - 4 * LANES; i <= end; i += 4 * LANES) {
      s0 = FloatVector.fromArray(F, a, aOff + i).fma(widen(b, bOff + i), s0);
      s1 = FloatVector.fromArray(F, a, aOff + i + LANES).fma(widen(b, bOff + i + LANES), s1);
      s2 =
          FloatVector.fromArray(F, a, aOff + i + 2 * LANES).fma(widen(b, bOff + i + 2 * LANES), s2);
      s3 =
          FloatVector.fromArray(F, a, aOff + i + 3 * LANES).fma(widen(b, bOff + i + 3 * LANES), s3);
    }
    for (int end = n - LANES; i <= end; i += LANES) {
      s0 = FloatVector.fromArray(F, a, aOff + i).fma(widen(b, bOff + i), s0);
    }
    float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum = Math.fma(a[aOff + i], Float.intBitsToFloat(b[bOff + i] << 16), sum);
    }
    return sum;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
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

  @Override
  public void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n) {
    FloatVector va = FloatVector.broadcast(F, alpha);
    int i = 0;
    for (int end = n - 2 * LANES; i <= end; i += 2 * LANES) {
      widen(x, xOff + i).fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
      widen(x, xOff + i + LANES)
          .fma(va, FloatVector.fromArray(F, y, yOff + i + LANES))
          .intoArray(y, yOff + i + LANES);
    }
    for (int end = n - LANES; i <= end; i += LANES) {
      widen(x, xOff + i).fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, Float.intBitsToFloat(x[xOff + i] << 16), y[yOff + i]);
    }
  }

  @Override
  public float max(float[] x, int off, int n) {
    FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, off + i));
    }
    float r = m.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      r = Math.max(r, x[off + i]);
    }
    return r;
  }

  @Override
  public float expShiftSum(float[] x, int off, int n, float shift) {
    FloatVector vs = FloatVector.broadcast(F, shift);
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector e = FloatVector.fromArray(F, x, off + i).sub(vs).lanewise(VectorOperators.EXP);
      e.intoArray(x, off + i);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float e = (float) Math.exp(x[off + i] - shift);
      x[off + i] = e;
      sum += e;
    }
    return sum;
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    FloatVector vs = FloatVector.broadcast(F, s);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, x, off + i).mul(vs).intoArray(x, off + i);
    }
    for (; i < n; i++) {
      x[off + i] *= s;
    }
  }

  @Override
  public void mulScaled(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    FloatVector vs = FloatVector.broadcast(F, s);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, x, xOff + i)
          .mul(FloatVector.fromArray(F, w, wOff + i))
          .mul(vs)
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = x[xOff + i] * w[wOff + i] * s;
    }
  }

  @Override
  public void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n) {
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector a = FloatVector.fromArray(F, x, lo + i);
      FloatVector b = FloatVector.fromArray(F, x, hi + i);
      FloatVector c = FloatVector.fromArray(F, cos, csOff + i);
      FloatVector s = FloatVector.fromArray(F, sin, csOff + i);
      a.mul(c).sub(b.mul(s)).intoArray(x, lo + i);
      b.mul(c).add(a.mul(s)).intoArray(x, hi + i);
    }
    for (; i < n; i++) {
      float a = x[lo + i];
      float b = x[hi + i];
      float c = cos[csOff + i];
      float s = sin[csOff + i];
      x[lo + i] = a * c - b * s;
      x[hi + i] = b * c + a * s;
    }
  }

  @Override
  public void scoreBlock(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      float[] k,
      int kOff,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
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
          FloatVector kv = FloatVector.fromArray(F, k, kk);
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
          FloatVector ka = FloatVector.fromArray(F, k, kk);
          FloatVector kb = FloatVector.fromArray(F, k, kk + KeyLayout.BLOCK);
          a0 = FloatVector.broadcast(F, q[q0 + i]).fma(ka, a0);
          a1 = FloatVector.broadcast(F, q[q1 + i]).fma(ka, a1);
          b0 = FloatVector.broadcast(F, q[q0 + i + 1]).fma(kb, b0);
          b1 = FloatVector.broadcast(F, q[q1 + i + 1]).fma(kb, b1);
        }
        if (i < d) {
          FloatVector ka = FloatVector.fromArray(F, k, kk);
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
          a0 = FloatVector.broadcast(F, q[qh + i]).fma(FloatVector.fromArray(F, k, kk), a0);
          a1 =
              FloatVector.broadcast(F, q[qh + i + 1])
                  .fma(FloatVector.fromArray(F, k, kk + KeyLayout.BLOCK), a1);
          a2 =
              FloatVector.broadcast(F, q[qh + i + 2])
                  .fma(FloatVector.fromArray(F, k, kk + 2 * KeyLayout.BLOCK), a2);
          a3 =
              FloatVector.broadcast(F, q[qh + i + 3])
                  .fma(FloatVector.fromArray(F, k, kk + 3 * KeyLayout.BLOCK), a3);
        }
        for (; i < d; i++, kk += KeyLayout.BLOCK) {
          a0 = FloatVector.broadcast(F, q[qh + i]).fma(FloatVector.fromArray(F, k, kk), a0);
        }
        a0.add(a1).add(a2.add(a3)).mul(scale).intoArray(scores, sOff + h * sStride + v);
      }
    }
  }

  @Override
  public void scoreBlockBf16(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      short[] k,
      int kOff,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
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
          FloatVector kv =
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats());
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
          FloatVector ka =
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats());
          FloatVector kb =
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk + KeyLayout.BLOCK)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats());
          a0 = FloatVector.broadcast(F, q[q0 + i]).fma(ka, a0);
          a1 = FloatVector.broadcast(F, q[q1 + i]).fma(ka, a1);
          b0 = FloatVector.broadcast(F, q[q0 + i + 1]).fma(kb, b0);
          b1 = FloatVector.broadcast(F, q[q1 + i + 1]).fma(kb, b1);
        }
        if (i < d) {
          FloatVector ka =
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats());
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
          a0 =
              FloatVector.broadcast(F, q[qh + i])
                  .fma(
                      ((FloatVector)
                          ShortVector.fromArray(BF16, k, kk)
                              .convertShape(VectorOperators.S2I, I, 0)
                              .lanewise(VectorOperators.LSHL, 16)
                              .reinterpretAsFloats()),
                      a0);
          a1 =
              FloatVector.broadcast(F, q[qh + i + 1])
                  .fma(
                      ((FloatVector)
                          ShortVector.fromArray(BF16, k, kk + KeyLayout.BLOCK)
                              .convertShape(VectorOperators.S2I, I, 0)
                              .lanewise(VectorOperators.LSHL, 16)
                              .reinterpretAsFloats()),
                      a1);
          a2 =
              FloatVector.broadcast(F, q[qh + i + 2])
                  .fma(
                      ((FloatVector)
                          ShortVector.fromArray(BF16, k, kk + 2 * KeyLayout.BLOCK)
                              .convertShape(VectorOperators.S2I, I, 0)
                              .lanewise(VectorOperators.LSHL, 16)
                              .reinterpretAsFloats()),
                      a2);
          a3 =
              FloatVector.broadcast(F, q[qh + i + 3])
                  .fma(
                      ((FloatVector)
                          ShortVector.fromArray(BF16, k, kk + 3 * KeyLayout.BLOCK)
                              .convertShape(VectorOperators.S2I, I, 0)
                              .lanewise(VectorOperators.LSHL, 16)
                              .reinterpretAsFloats()),
                      a3);
        }
        for (; i < d; i++, kk += KeyLayout.BLOCK) {
          a0 =
              FloatVector.broadcast(F, q[qh + i])
                  .fma(
                      ((FloatVector)
                          ShortVector.fromArray(BF16, k, kk)
                              .convertShape(VectorOperators.S2I, I, 0)
                              .lanewise(VectorOperators.LSHL, 16)
                              .reinterpretAsFloats()),
                      a0);
        }
        a0.add(a1).add(a2.add(a3)).mul(scale).intoArray(scores, sOff + h * sStride + v);
      }
    }
  }

  @Override
  public void weightedRows2(
      float[] w,
      int wOffA,
      int wOffB,
      float[] v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outA,
      int outB) {
    // Two heads share every load of a value row: 16 accumulators, two FMAs per load.
    int c = 0;
    for (; c + 8 * LANES <= d; c += 8 * LANES) {
      int oa = outA + c;
      int ob = outB + c;
      FloatVector a0 = FloatVector.fromArray(F, out, oa + 0 * LANES);
      FloatVector a1 = FloatVector.fromArray(F, out, oa + 1 * LANES);
      FloatVector a2 = FloatVector.fromArray(F, out, oa + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(F, out, oa + 3 * LANES);
      FloatVector a4 = FloatVector.fromArray(F, out, oa + 4 * LANES);
      FloatVector a5 = FloatVector.fromArray(F, out, oa + 5 * LANES);
      FloatVector a6 = FloatVector.fromArray(F, out, oa + 6 * LANES);
      FloatVector a7 = FloatVector.fromArray(F, out, oa + 7 * LANES);
      FloatVector b0 = FloatVector.fromArray(F, out, ob + 0 * LANES);
      FloatVector b1 = FloatVector.fromArray(F, out, ob + 1 * LANES);
      FloatVector b2 = FloatVector.fromArray(F, out, ob + 2 * LANES);
      FloatVector b3 = FloatVector.fromArray(F, out, ob + 3 * LANES);
      FloatVector b4 = FloatVector.fromArray(F, out, ob + 4 * LANES);
      FloatVector b5 = FloatVector.fromArray(F, out, ob + 5 * LANES);
      FloatVector b6 = FloatVector.fromArray(F, out, ob + 6 * LANES);
      FloatVector b7 = FloatVector.fromArray(F, out, ob + 7 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector wa = FloatVector.broadcast(F, w[wOffA + t]);
        FloatVector wb = FloatVector.broadcast(F, w[wOffB + t]);
        FloatVector x0 = FloatVector.fromArray(F, v, row + 0 * LANES);
        a0 = x0.fma(wa, a0);
        b0 = x0.fma(wb, b0);
        FloatVector x1 = FloatVector.fromArray(F, v, row + 1 * LANES);
        a1 = x1.fma(wa, a1);
        b1 = x1.fma(wb, b1);
        FloatVector x2 = FloatVector.fromArray(F, v, row + 2 * LANES);
        a2 = x2.fma(wa, a2);
        b2 = x2.fma(wb, b2);
        FloatVector x3 = FloatVector.fromArray(F, v, row + 3 * LANES);
        a3 = x3.fma(wa, a3);
        b3 = x3.fma(wb, b3);
        FloatVector x4 = FloatVector.fromArray(F, v, row + 4 * LANES);
        a4 = x4.fma(wa, a4);
        b4 = x4.fma(wb, b4);
        FloatVector x5 = FloatVector.fromArray(F, v, row + 5 * LANES);
        a5 = x5.fma(wa, a5);
        b5 = x5.fma(wb, b5);
        FloatVector x6 = FloatVector.fromArray(F, v, row + 6 * LANES);
        a6 = x6.fma(wa, a6);
        b6 = x6.fma(wb, b6);
        FloatVector x7 = FloatVector.fromArray(F, v, row + 7 * LANES);
        a7 = x7.fma(wa, a7);
        b7 = x7.fma(wb, b7);
      }
      a0.intoArray(out, oa + 0 * LANES);
      b0.intoArray(out, ob + 0 * LANES);
      a1.intoArray(out, oa + 1 * LANES);
      b1.intoArray(out, ob + 1 * LANES);
      a2.intoArray(out, oa + 2 * LANES);
      b2.intoArray(out, ob + 2 * LANES);
      a3.intoArray(out, oa + 3 * LANES);
      b3.intoArray(out, ob + 3 * LANES);
      a4.intoArray(out, oa + 4 * LANES);
      b4.intoArray(out, ob + 4 * LANES);
      a5.intoArray(out, oa + 5 * LANES);
      b5.intoArray(out, ob + 5 * LANES);
      a6.intoArray(out, oa + 6 * LANES);
      b6.intoArray(out, ob + 6 * LANES);
      a7.intoArray(out, oa + 7 * LANES);
      b7.intoArray(out, ob + 7 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(F, out, outA + c);
      FloatVector b0 = FloatVector.fromArray(F, out, outB + c);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector x0 = FloatVector.fromArray(F, v, row);
        a0 = x0.fma(FloatVector.broadcast(F, w[wOffA + t]), a0);
        b0 = x0.fma(FloatVector.broadcast(F, w[wOffB + t]), b0);
      }
      a0.intoArray(out, outA + c);
      b0.intoArray(out, outB + c);
    }
    for (; c < d; c++) {
      float sa = out[outA + c];
      float sb = out[outB + c];
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        float x = v[row];
        sa = Math.fma(w[wOffA + t], x, sa);
        sb = Math.fma(w[wOffB + t], x, sb);
      }
      out[outA + c] = sa;
      out[outB + c] = sb;
    }
  }

  @Override
  public void weightedRows2Bf16(
      float[] w,
      int wOffA,
      int wOffB,
      short[] v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outA,
      int outB) {
    // Two heads share every load of a value row: 16 accumulators, two FMAs per load.
    int c = 0;
    for (; c + 8 * LANES <= d; c += 8 * LANES) {
      int oa = outA + c;
      int ob = outB + c;
      FloatVector a0 = FloatVector.fromArray(F, out, oa + 0 * LANES);
      FloatVector a1 = FloatVector.fromArray(F, out, oa + 1 * LANES);
      FloatVector a2 = FloatVector.fromArray(F, out, oa + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(F, out, oa + 3 * LANES);
      FloatVector a4 = FloatVector.fromArray(F, out, oa + 4 * LANES);
      FloatVector a5 = FloatVector.fromArray(F, out, oa + 5 * LANES);
      FloatVector a6 = FloatVector.fromArray(F, out, oa + 6 * LANES);
      FloatVector a7 = FloatVector.fromArray(F, out, oa + 7 * LANES);
      FloatVector b0 = FloatVector.fromArray(F, out, ob + 0 * LANES);
      FloatVector b1 = FloatVector.fromArray(F, out, ob + 1 * LANES);
      FloatVector b2 = FloatVector.fromArray(F, out, ob + 2 * LANES);
      FloatVector b3 = FloatVector.fromArray(F, out, ob + 3 * LANES);
      FloatVector b4 = FloatVector.fromArray(F, out, ob + 4 * LANES);
      FloatVector b5 = FloatVector.fromArray(F, out, ob + 5 * LANES);
      FloatVector b6 = FloatVector.fromArray(F, out, ob + 6 * LANES);
      FloatVector b7 = FloatVector.fromArray(F, out, ob + 7 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector wa = FloatVector.broadcast(F, w[wOffA + t]);
        FloatVector wb = FloatVector.broadcast(F, w[wOffB + t]);
        FloatVector x0 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 0 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a0 = x0.fma(wa, a0);
        b0 = x0.fma(wb, b0);
        FloatVector x1 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 1 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a1 = x1.fma(wa, a1);
        b1 = x1.fma(wb, b1);
        FloatVector x2 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 2 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a2 = x2.fma(wa, a2);
        b2 = x2.fma(wb, b2);
        FloatVector x3 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 3 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a3 = x3.fma(wa, a3);
        b3 = x3.fma(wb, b3);
        FloatVector x4 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 4 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a4 = x4.fma(wa, a4);
        b4 = x4.fma(wb, b4);
        FloatVector x5 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 5 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a5 = x5.fma(wa, a5);
        b5 = x5.fma(wb, b5);
        FloatVector x6 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 6 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a6 = x6.fma(wa, a6);
        b6 = x6.fma(wb, b6);
        FloatVector x7 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 7 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a7 = x7.fma(wa, a7);
        b7 = x7.fma(wb, b7);
      }
      a0.intoArray(out, oa + 0 * LANES);
      b0.intoArray(out, ob + 0 * LANES);
      a1.intoArray(out, oa + 1 * LANES);
      b1.intoArray(out, ob + 1 * LANES);
      a2.intoArray(out, oa + 2 * LANES);
      b2.intoArray(out, ob + 2 * LANES);
      a3.intoArray(out, oa + 3 * LANES);
      b3.intoArray(out, ob + 3 * LANES);
      a4.intoArray(out, oa + 4 * LANES);
      b4.intoArray(out, ob + 4 * LANES);
      a5.intoArray(out, oa + 5 * LANES);
      b5.intoArray(out, ob + 5 * LANES);
      a6.intoArray(out, oa + 6 * LANES);
      b6.intoArray(out, ob + 6 * LANES);
      a7.intoArray(out, oa + 7 * LANES);
      b7.intoArray(out, ob + 7 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(F, out, outA + c);
      FloatVector b0 = FloatVector.fromArray(F, out, outB + c);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector x0 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a0 = x0.fma(FloatVector.broadcast(F, w[wOffA + t]), a0);
        b0 = x0.fma(FloatVector.broadcast(F, w[wOffB + t]), b0);
      }
      a0.intoArray(out, outA + c);
      b0.intoArray(out, outB + c);
    }
    for (; c < d; c++) {
      float sa = out[outA + c];
      float sb = out[outB + c];
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        float x = Float.intBitsToFloat(v[row] << 16);
        sa = Math.fma(w[wOffA + t], x, sa);
        sb = Math.fma(w[wOffB + t], x, sb);
      }
      out[outA + c] = sa;
      out[outB + c] = sb;
    }
  }

  @Override
  public void weightedRows(
      float[] w, int wOff, float[] v, int vOff, int d, int tokens, float[] out, int outOff) {
    // Up to eight vectors of the output stay in registers while the rows stream past: eight
    // independent FMA chains, so the FMA latency is hidden.
    int c = 0;
    for (; c + 8 * LANES <= d; c += 8 * LANES) {
      int o = outOff + c;
      FloatVector a0 = FloatVector.fromArray(F, out, o + 0 * LANES);
      FloatVector a1 = FloatVector.fromArray(F, out, o + 1 * LANES);
      FloatVector a2 = FloatVector.fromArray(F, out, o + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(F, out, o + 3 * LANES);
      FloatVector a4 = FloatVector.fromArray(F, out, o + 4 * LANES);
      FloatVector a5 = FloatVector.fromArray(F, out, o + 5 * LANES);
      FloatVector a6 = FloatVector.fromArray(F, out, o + 6 * LANES);
      FloatVector a7 = FloatVector.fromArray(F, out, o + 7 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
        a0 = FloatVector.fromArray(F, v, row + 0 * LANES).fma(wt, a0);
        a1 = FloatVector.fromArray(F, v, row + 1 * LANES).fma(wt, a1);
        a2 = FloatVector.fromArray(F, v, row + 2 * LANES).fma(wt, a2);
        a3 = FloatVector.fromArray(F, v, row + 3 * LANES).fma(wt, a3);
        a4 = FloatVector.fromArray(F, v, row + 4 * LANES).fma(wt, a4);
        a5 = FloatVector.fromArray(F, v, row + 5 * LANES).fma(wt, a5);
        a6 = FloatVector.fromArray(F, v, row + 6 * LANES).fma(wt, a6);
        a7 = FloatVector.fromArray(F, v, row + 7 * LANES).fma(wt, a7);
      }
      a0.intoArray(out, o + 0 * LANES);
      a1.intoArray(out, o + 1 * LANES);
      a2.intoArray(out, o + 2 * LANES);
      a3.intoArray(out, o + 3 * LANES);
      a4.intoArray(out, o + 4 * LANES);
      a5.intoArray(out, o + 5 * LANES);
      a6.intoArray(out, o + 6 * LANES);
      a7.intoArray(out, o + 7 * LANES);
    }
    for (; c + 4 * LANES <= d; c += 4 * LANES) {
      int o = outOff + c;
      FloatVector a0 = FloatVector.fromArray(F, out, o);
      FloatVector a1 = FloatVector.fromArray(F, out, o + LANES);
      FloatVector a2 = FloatVector.fromArray(F, out, o + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(F, out, o + 3 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
        a0 = FloatVector.fromArray(F, v, row).fma(wt, a0);
        a1 = FloatVector.fromArray(F, v, row + LANES).fma(wt, a1);
        a2 = FloatVector.fromArray(F, v, row + 2 * LANES).fma(wt, a2);
        a3 = FloatVector.fromArray(F, v, row + 3 * LANES).fma(wt, a3);
      }
      a0.intoArray(out, o);
      a1.intoArray(out, o + LANES);
      a2.intoArray(out, o + 2 * LANES);
      a3.intoArray(out, o + 3 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(F, out, outOff + c);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        a0 = FloatVector.fromArray(F, v, row).fma(FloatVector.broadcast(F, w[wOff + t]), a0);
      }
      a0.intoArray(out, outOff + c);
    }
    for (; c < d; c++) {
      float s = out[outOff + c];
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        s = Math.fma(w[wOff + t], v[row], s);
      }
      out[outOff + c] = s;
    }
  }

  @Override
  public void weightedRowsBf16(
      float[] w, int wOff, short[] v, int vOff, int d, int tokens, float[] out, int outOff) {
    // Up to eight vectors of the output stay in registers while the rows stream past: eight
    // independent FMA chains, so the FMA latency is hidden.
    int c = 0;
    for (; c + 8 * LANES <= d; c += 8 * LANES) {
      int o = outOff + c;
      FloatVector a0 = FloatVector.fromArray(F, out, o + 0 * LANES);
      FloatVector a1 = FloatVector.fromArray(F, out, o + 1 * LANES);
      FloatVector a2 = FloatVector.fromArray(F, out, o + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(F, out, o + 3 * LANES);
      FloatVector a4 = FloatVector.fromArray(F, out, o + 4 * LANES);
      FloatVector a5 = FloatVector.fromArray(F, out, o + 5 * LANES);
      FloatVector a6 = FloatVector.fromArray(F, out, o + 6 * LANES);
      FloatVector a7 = FloatVector.fromArray(F, out, o + 7 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
        a0 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 0 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a0);
        a1 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 1 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a1);
        a2 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 2 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a2);
        a3 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 3 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a3);
        a4 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 4 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a4);
        a5 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 5 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a5);
        a6 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 6 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a6);
        a7 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 7 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a7);
      }
      a0.intoArray(out, o + 0 * LANES);
      a1.intoArray(out, o + 1 * LANES);
      a2.intoArray(out, o + 2 * LANES);
      a3.intoArray(out, o + 3 * LANES);
      a4.intoArray(out, o + 4 * LANES);
      a5.intoArray(out, o + 5 * LANES);
      a6.intoArray(out, o + 6 * LANES);
      a7.intoArray(out, o + 7 * LANES);
    }
    for (; c + 4 * LANES <= d; c += 4 * LANES) {
      int o = outOff + c;
      FloatVector a0 = FloatVector.fromArray(F, out, o);
      FloatVector a1 = FloatVector.fromArray(F, out, o + LANES);
      FloatVector a2 = FloatVector.fromArray(F, out, o + 2 * LANES);
      FloatVector a3 = FloatVector.fromArray(F, out, o + 3 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
        a0 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a0);
        a1 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a1);
        a2 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 2 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a2);
        a3 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row + 3 * LANES)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(wt, a3);
      }
      a0.intoArray(out, o);
      a1.intoArray(out, o + LANES);
      a2.intoArray(out, o + 2 * LANES);
      a3.intoArray(out, o + 3 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(F, out, outOff + c);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        a0 =
            ((FloatVector)
                    ShortVector.fromArray(BF16, v, row)
                        .convertShape(VectorOperators.S2I, I, 0)
                        .lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats())
                .fma(FloatVector.broadcast(F, w[wOff + t]), a0);
      }
      a0.intoArray(out, outOff + c);
    }
    for (; c < d; c++) {
      float s = out[outOff + c];
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        s = Math.fma(w[wOff + t], Float.intBitsToFloat(v[row] << 16), s);
      }
      out[outOff + c] = s;
    }
  }

  @Override
  public void scoreBlocks(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      float[] k,
      int kOff,
      int blocks,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    if (LANES != KeyLayout.BLOCK) {
      KernelProvider.super.scoreBlocks(
          q, qOff, qStride, heads, k, kOff, blocks, d, scale, scores, sOff, sStride);
      return;
    }
    // Register tiles of up to 4 heads x 4 key blocks (64 tokens): each key vector, loaded once,
    // serves every head of the tile, and each broadcast of q serves 4 blocks; 16 independent FMA
    // chains hide the latency.
    int bs = KeyLayout.BLOCK * d;
    int b = 0;
    for (; b + 3 < blocks; b += 4) {
      int kb = kOff + b * bs;
      int sb = sOff + b * KeyLayout.BLOCK;
      int h = 0;
      for (; h + 3 < heads; h += 4) {
        score44(q, qOff, qStride, h, k, kb, bs, d, scale, scores, sb, sStride);
      }
      for (; h + 1 < heads; h += 2) {
        score24(q, qOff, qStride, h, k, kb, bs, d, scale, scores, sb, sStride);
      }
      for (; h < heads; h++) {
        score14(q, qOff, qStride, h, k, kb, bs, d, scale, scores, sb, sStride);
      }
    }
    for (; b < blocks; b++) {
      scoreBlock(
          q,
          qOff,
          qStride,
          heads,
          k,
          kOff + b * bs,
          d,
          scale,
          scores,
          sOff + b * KeyLayout.BLOCK,
          sStride);
    }
  }

  private static void score44(
      float[] q,
      int qOff,
      int qStride,
      int h,
      float[] k,
      int kb,
      int bs,
      int d,
      float scale,
      float[] scores,
      int sb,
      int sStride) {
    int q0 = qOff + h * qStride;
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
      FloatVector k0 = FloatVector.fromArray(F, k, kk);
      FloatVector k1 = FloatVector.fromArray(F, k, kk + bs);
      FloatVector k2 = FloatVector.fromArray(F, k, kk + 2 * bs);
      FloatVector k3 = FloatVector.fromArray(F, k, kk + 3 * bs);
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
    int so = sb + h * sStride;
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

  private static void score24(
      float[] q,
      int qOff,
      int qStride,
      int h,
      float[] k,
      int kb,
      int bs,
      int d,
      float scale,
      float[] scores,
      int sb,
      int sStride) {
    int q0 = qOff + h * qStride;
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
      FloatVector k0 = FloatVector.fromArray(F, k, kk);
      FloatVector k1 = FloatVector.fromArray(F, k, kk + bs);
      FloatVector k2 = FloatVector.fromArray(F, k, kk + 2 * bs);
      FloatVector k3 = FloatVector.fromArray(F, k, kk + 3 * bs);
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
    int so = sb + h * sStride;
    a00.mul(scale).intoArray(scores, so);
    a01.mul(scale).intoArray(scores, so + LANES);
    a02.mul(scale).intoArray(scores, so + 2 * LANES);
    a03.mul(scale).intoArray(scores, so + 3 * LANES);
    a10.mul(scale).intoArray(scores, so + sStride);
    a11.mul(scale).intoArray(scores, so + sStride + LANES);
    a12.mul(scale).intoArray(scores, so + sStride + 2 * LANES);
    a13.mul(scale).intoArray(scores, so + sStride + 3 * LANES);
  }

  private static void score14(
      float[] q,
      int qOff,
      int qStride,
      int h,
      float[] k,
      int kb,
      int bs,
      int d,
      float scale,
      float[] scores,
      int sb,
      int sStride) {
    int q0 = qOff + h * qStride;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int kk = kb;
    for (int i = 0; i < d; i++, kk += KeyLayout.BLOCK) {
      FloatVector x = FloatVector.broadcast(F, q[q0 + i]);
      a0 = x.fma(FloatVector.fromArray(F, k, kk), a0);
      a1 = x.fma(FloatVector.fromArray(F, k, kk + bs), a1);
      a2 = x.fma(FloatVector.fromArray(F, k, kk + 2 * bs), a2);
      a3 = x.fma(FloatVector.fromArray(F, k, kk + 3 * bs), a3);
    }
    a0.mul(scale).intoArray(scores, sb + h * sStride);
    a1.mul(scale).intoArray(scores, sb + h * sStride + LANES);
    a2.mul(scale).intoArray(scores, sb + h * sStride + 2 * LANES);
    a3.mul(scale).intoArray(scores, sb + h * sStride + 3 * LANES);
  }

  @Override
  public void weightedRowsHeads(
      float[] w,
      int wOff,
      int wStride,
      int heads,
      float[] v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride) {
    // Tiles of 4 heads x 4 output vectors: each row vector, loaded (and widened) once, feeds 4
    // heads; each broadcast weight feeds 4 vectors; 16 independent FMA chains.
    int h = 0;
    for (; h + 3 < heads; h += 4) {
      weighted4(
          w,
          wOff + h * wStride,
          wStride,
          v,
          vOff,
          d,
          tokens,
          out,
          outOff + h * outStride,
          outStride);
    }
    KernelProvider.super.weightedRowsHeads(
        w,
        wOff + h * wStride,
        wStride,
        heads - h,
        v,
        vOff,
        d,
        tokens,
        out,
        outOff + h * outStride,
        outStride);
  }

  /** {@link #weightedRowsHeads} for four heads. */
  private static void weighted4(
      float[] w,
      int wOff,
      int wStride,
      float[] v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride) {
    int w0 = wOff;
    int o0 = outOff;
    int c = 0;
    for (; c + 4 * LANES <= d; c += 4 * LANES) {
      int o = o0 + c;
      int o1 = o + outStride;
      int o2 = o1 + outStride;
      int o3 = o2 + outStride;
      FloatVector a00 = FloatVector.fromArray(F, out, o);
      FloatVector a01 = FloatVector.fromArray(F, out, o + LANES);
      FloatVector a02 = FloatVector.fromArray(F, out, o + 2 * LANES);
      FloatVector a03 = FloatVector.fromArray(F, out, o + 3 * LANES);
      FloatVector a10 = FloatVector.fromArray(F, out, o1);
      FloatVector a11 = FloatVector.fromArray(F, out, o1 + LANES);
      FloatVector a12 = FloatVector.fromArray(F, out, o1 + 2 * LANES);
      FloatVector a13 = FloatVector.fromArray(F, out, o1 + 3 * LANES);
      FloatVector a20 = FloatVector.fromArray(F, out, o2);
      FloatVector a21 = FloatVector.fromArray(F, out, o2 + LANES);
      FloatVector a22 = FloatVector.fromArray(F, out, o2 + 2 * LANES);
      FloatVector a23 = FloatVector.fromArray(F, out, o2 + 3 * LANES);
      FloatVector a30 = FloatVector.fromArray(F, out, o3);
      FloatVector a31 = FloatVector.fromArray(F, out, o3 + LANES);
      FloatVector a32 = FloatVector.fromArray(F, out, o3 + 2 * LANES);
      FloatVector a33 = FloatVector.fromArray(F, out, o3 + 3 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector x0 = FloatVector.fromArray(F, v, row);
        FloatVector x1 = FloatVector.fromArray(F, v, row + LANES);
        FloatVector x2 = FloatVector.fromArray(F, v, row + 2 * LANES);
        FloatVector x3 = FloatVector.fromArray(F, v, row + 3 * LANES);
        FloatVector y = FloatVector.broadcast(F, w[w0 + t]);
        a00 = x0.fma(y, a00);
        a01 = x1.fma(y, a01);
        a02 = x2.fma(y, a02);
        a03 = x3.fma(y, a03);
        y = FloatVector.broadcast(F, w[w0 + wStride + t]);
        a10 = x0.fma(y, a10);
        a11 = x1.fma(y, a11);
        a12 = x2.fma(y, a12);
        a13 = x3.fma(y, a13);
        y = FloatVector.broadcast(F, w[w0 + 2 * wStride + t]);
        a20 = x0.fma(y, a20);
        a21 = x1.fma(y, a21);
        a22 = x2.fma(y, a22);
        a23 = x3.fma(y, a23);
        y = FloatVector.broadcast(F, w[w0 + 3 * wStride + t]);
        a30 = x0.fma(y, a30);
        a31 = x1.fma(y, a31);
        a32 = x2.fma(y, a32);
        a33 = x3.fma(y, a33);
      }
      a00.intoArray(out, o);
      a01.intoArray(out, o + LANES);
      a02.intoArray(out, o + 2 * LANES);
      a03.intoArray(out, o + 3 * LANES);
      a10.intoArray(out, o1);
      a11.intoArray(out, o1 + LANES);
      a12.intoArray(out, o1 + 2 * LANES);
      a13.intoArray(out, o1 + 3 * LANES);
      a20.intoArray(out, o2);
      a21.intoArray(out, o2 + LANES);
      a22.intoArray(out, o2 + 2 * LANES);
      a23.intoArray(out, o2 + 3 * LANES);
      a30.intoArray(out, o3);
      a31.intoArray(out, o3 + LANES);
      a32.intoArray(out, o3 + 2 * LANES);
      a33.intoArray(out, o3 + 3 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      int o = o0 + c;
      FloatVector a0 = FloatVector.fromArray(F, out, o);
      FloatVector a1 = FloatVector.fromArray(F, out, o + outStride);
      FloatVector a2 = FloatVector.fromArray(F, out, o + 2 * outStride);
      FloatVector a3 = FloatVector.fromArray(F, out, o + 3 * outStride);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector x = FloatVector.fromArray(F, v, row);
        a0 = x.fma(FloatVector.broadcast(F, w[w0 + t]), a0);
        a1 = x.fma(FloatVector.broadcast(F, w[w0 + wStride + t]), a1);
        a2 = x.fma(FloatVector.broadcast(F, w[w0 + 2 * wStride + t]), a2);
        a3 = x.fma(FloatVector.broadcast(F, w[w0 + 3 * wStride + t]), a3);
      }
      a0.intoArray(out, o);
      a1.intoArray(out, o + outStride);
      a2.intoArray(out, o + 2 * outStride);
      a3.intoArray(out, o + 3 * outStride);
    }
    for (; c < d; c++) {
      int o = o0 + c;
      float s0 = out[o];
      float s1 = out[o + outStride];
      float s2 = out[o + 2 * outStride];
      float s3 = out[o + 3 * outStride];
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        float x = v[row];
        s0 = Math.fma(w[w0 + t], x, s0);
        s1 = Math.fma(w[w0 + wStride + t], x, s1);
        s2 = Math.fma(w[w0 + 2 * wStride + t], x, s2);
        s3 = Math.fma(w[w0 + 3 * wStride + t], x, s3);
      }
      out[o] = s0;
      out[o + outStride] = s1;
      out[o + 2 * outStride] = s2;
      out[o + 3 * outStride] = s3;
    }
  }

  @Override
  public void scoreBlocksBf16(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      short[] k,
      int kOff,
      int blocks,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    if (LANES != KeyLayout.BLOCK) {
      KernelProvider.super.scoreBlocksBf16(
          q, qOff, qStride, heads, k, kOff, blocks, d, scale, scores, sOff, sStride);
      return;
    }
    // Register tiles of up to 4 heads x 4 key blocks (64 tokens): each key vector, loaded once,
    // serves every head of the tile, and each broadcast of q serves 4 blocks; 16 independent FMA
    // chains hide the latency.
    int bs = KeyLayout.BLOCK * d;
    int b = 0;
    for (; b + 3 < blocks; b += 4) {
      int kb = kOff + b * bs;
      int sb = sOff + b * KeyLayout.BLOCK;
      int h = 0;
      for (; h + 3 < heads; h += 4) {
        score44Bf16(q, qOff, qStride, h, k, kb, bs, d, scale, scores, sb, sStride);
      }
      for (; h + 1 < heads; h += 2) {
        score24Bf16(q, qOff, qStride, h, k, kb, bs, d, scale, scores, sb, sStride);
      }
      for (; h < heads; h++) {
        score14Bf16(q, qOff, qStride, h, k, kb, bs, d, scale, scores, sb, sStride);
      }
    }
    for (; b < blocks; b++) {
      scoreBlockBf16(
          q,
          qOff,
          qStride,
          heads,
          k,
          kOff + b * bs,
          d,
          scale,
          scores,
          sOff + b * KeyLayout.BLOCK,
          sStride);
    }
  }

  private static void score44Bf16(
      float[] q,
      int qOff,
      int qStride,
      int h,
      short[] k,
      int kb,
      int bs,
      int d,
      float scale,
      float[] scores,
      int sb,
      int sStride) {
    int q0 = qOff + h * qStride;
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
      FloatVector k0 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector k1 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk + bs)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector k2 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk + 2 * bs)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector k3 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk + 3 * bs)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
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
    int so = sb + h * sStride;
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

  private static void score24Bf16(
      float[] q,
      int qOff,
      int qStride,
      int h,
      short[] k,
      int kb,
      int bs,
      int d,
      float scale,
      float[] scores,
      int sb,
      int sStride) {
    int q0 = qOff + h * qStride;
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
      FloatVector k0 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector k1 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk + bs)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector k2 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk + 2 * bs)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector k3 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, kk + 3 * bs)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
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
    int so = sb + h * sStride;
    a00.mul(scale).intoArray(scores, so);
    a01.mul(scale).intoArray(scores, so + LANES);
    a02.mul(scale).intoArray(scores, so + 2 * LANES);
    a03.mul(scale).intoArray(scores, so + 3 * LANES);
    a10.mul(scale).intoArray(scores, so + sStride);
    a11.mul(scale).intoArray(scores, so + sStride + LANES);
    a12.mul(scale).intoArray(scores, so + sStride + 2 * LANES);
    a13.mul(scale).intoArray(scores, so + sStride + 3 * LANES);
  }

  private static void score14Bf16(
      float[] q,
      int qOff,
      int qStride,
      int h,
      short[] k,
      int kb,
      int bs,
      int d,
      float scale,
      float[] scores,
      int sb,
      int sStride) {
    int q0 = qOff + h * qStride;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    int kk = kb;
    for (int i = 0; i < d; i++, kk += KeyLayout.BLOCK) {
      FloatVector x = FloatVector.broadcast(F, q[q0 + i]);
      a0 =
          x.fma(
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats()),
              a0);
      a1 =
          x.fma(
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk + bs)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats()),
              a1);
      a2 =
          x.fma(
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk + 2 * bs)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats()),
              a2);
      a3 =
          x.fma(
              ((FloatVector)
                  ShortVector.fromArray(BF16, k, kk + 3 * bs)
                      .convertShape(VectorOperators.S2I, I, 0)
                      .lanewise(VectorOperators.LSHL, 16)
                      .reinterpretAsFloats()),
              a3);
    }
    a0.mul(scale).intoArray(scores, sb + h * sStride);
    a1.mul(scale).intoArray(scores, sb + h * sStride + LANES);
    a2.mul(scale).intoArray(scores, sb + h * sStride + 2 * LANES);
    a3.mul(scale).intoArray(scores, sb + h * sStride + 3 * LANES);
  }

  @Override
  public void weightedRowsHeadsBf16(
      float[] w,
      int wOff,
      int wStride,
      int heads,
      short[] v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride) {
    // Tiles of 4 heads x 4 output vectors: each row vector, loaded (and widened) once, feeds 4
    // heads; each broadcast weight feeds 4 vectors; 16 independent FMA chains.
    int h = 0;
    for (; h + 3 < heads; h += 4) {
      weighted4Bf16(
          w,
          wOff + h * wStride,
          wStride,
          v,
          vOff,
          d,
          tokens,
          out,
          outOff + h * outStride,
          outStride);
    }
    KernelProvider.super.weightedRowsHeadsBf16(
        w,
        wOff + h * wStride,
        wStride,
        heads - h,
        v,
        vOff,
        d,
        tokens,
        out,
        outOff + h * outStride,
        outStride);
  }

  /** {@link #weightedRowsHeadsBf16} for four heads. */
  private static void weighted4Bf16(
      float[] w,
      int wOff,
      int wStride,
      short[] v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride) {
    int w0 = wOff;
    int o0 = outOff;
    int c = 0;
    for (; c + 4 * LANES <= d; c += 4 * LANES) {
      int o = o0 + c;
      int o1 = o + outStride;
      int o2 = o1 + outStride;
      int o3 = o2 + outStride;
      FloatVector a00 = FloatVector.fromArray(F, out, o);
      FloatVector a01 = FloatVector.fromArray(F, out, o + LANES);
      FloatVector a02 = FloatVector.fromArray(F, out, o + 2 * LANES);
      FloatVector a03 = FloatVector.fromArray(F, out, o + 3 * LANES);
      FloatVector a10 = FloatVector.fromArray(F, out, o1);
      FloatVector a11 = FloatVector.fromArray(F, out, o1 + LANES);
      FloatVector a12 = FloatVector.fromArray(F, out, o1 + 2 * LANES);
      FloatVector a13 = FloatVector.fromArray(F, out, o1 + 3 * LANES);
      FloatVector a20 = FloatVector.fromArray(F, out, o2);
      FloatVector a21 = FloatVector.fromArray(F, out, o2 + LANES);
      FloatVector a22 = FloatVector.fromArray(F, out, o2 + 2 * LANES);
      FloatVector a23 = FloatVector.fromArray(F, out, o2 + 3 * LANES);
      FloatVector a30 = FloatVector.fromArray(F, out, o3);
      FloatVector a31 = FloatVector.fromArray(F, out, o3 + LANES);
      FloatVector a32 = FloatVector.fromArray(F, out, o3 + 2 * LANES);
      FloatVector a33 = FloatVector.fromArray(F, out, o3 + 3 * LANES);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector x0 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        FloatVector x1 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        FloatVector x2 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 2 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        FloatVector x3 =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row + 3 * LANES)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        FloatVector y = FloatVector.broadcast(F, w[w0 + t]);
        a00 = x0.fma(y, a00);
        a01 = x1.fma(y, a01);
        a02 = x2.fma(y, a02);
        a03 = x3.fma(y, a03);
        y = FloatVector.broadcast(F, w[w0 + wStride + t]);
        a10 = x0.fma(y, a10);
        a11 = x1.fma(y, a11);
        a12 = x2.fma(y, a12);
        a13 = x3.fma(y, a13);
        y = FloatVector.broadcast(F, w[w0 + 2 * wStride + t]);
        a20 = x0.fma(y, a20);
        a21 = x1.fma(y, a21);
        a22 = x2.fma(y, a22);
        a23 = x3.fma(y, a23);
        y = FloatVector.broadcast(F, w[w0 + 3 * wStride + t]);
        a30 = x0.fma(y, a30);
        a31 = x1.fma(y, a31);
        a32 = x2.fma(y, a32);
        a33 = x3.fma(y, a33);
      }
      a00.intoArray(out, o);
      a01.intoArray(out, o + LANES);
      a02.intoArray(out, o + 2 * LANES);
      a03.intoArray(out, o + 3 * LANES);
      a10.intoArray(out, o1);
      a11.intoArray(out, o1 + LANES);
      a12.intoArray(out, o1 + 2 * LANES);
      a13.intoArray(out, o1 + 3 * LANES);
      a20.intoArray(out, o2);
      a21.intoArray(out, o2 + LANES);
      a22.intoArray(out, o2 + 2 * LANES);
      a23.intoArray(out, o2 + 3 * LANES);
      a30.intoArray(out, o3);
      a31.intoArray(out, o3 + LANES);
      a32.intoArray(out, o3 + 2 * LANES);
      a33.intoArray(out, o3 + 3 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      int o = o0 + c;
      FloatVector a0 = FloatVector.fromArray(F, out, o);
      FloatVector a1 = FloatVector.fromArray(F, out, o + outStride);
      FloatVector a2 = FloatVector.fromArray(F, out, o + 2 * outStride);
      FloatVector a3 = FloatVector.fromArray(F, out, o + 3 * outStride);
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        FloatVector x =
            ((FloatVector)
                ShortVector.fromArray(BF16, v, row)
                    .convertShape(VectorOperators.S2I, I, 0)
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats());
        a0 = x.fma(FloatVector.broadcast(F, w[w0 + t]), a0);
        a1 = x.fma(FloatVector.broadcast(F, w[w0 + wStride + t]), a1);
        a2 = x.fma(FloatVector.broadcast(F, w[w0 + 2 * wStride + t]), a2);
        a3 = x.fma(FloatVector.broadcast(F, w[w0 + 3 * wStride + t]), a3);
      }
      a0.intoArray(out, o);
      a1.intoArray(out, o + outStride);
      a2.intoArray(out, o + 2 * outStride);
      a3.intoArray(out, o + 3 * outStride);
    }
    for (; c < d; c++) {
      int o = o0 + c;
      float s0 = out[o];
      float s1 = out[o + outStride];
      float s2 = out[o + 2 * outStride];
      float s3 = out[o + 3 * outStride];
      int row = vOff + c;
      for (int t = 0; t < tokens; t++, row += d) {
        float x = Float.intBitsToFloat(v[row] << 16);
        s0 = Math.fma(w[w0 + t], x, s0);
        s1 = Math.fma(w[w0 + wStride + t], x, s1);
        s2 = Math.fma(w[w0 + 2 * wStride + t], x, s2);
        s3 = Math.fma(w[w0 + 3 * wStride + t], x, s3);
      }
      out[o] = s0;
      out[o + outStride] = s1;
      out[o + 2 * outStride] = s2;
      out[o + 3 * outStride] = s3;
    }
  }

  @Override
  public void scoreRows(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      float[] k,
      int kOff,
      int kStride,
      int tokens,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    // Tiles of 4 heads x 4 rows: each loaded vector of q serves 4 rows and each of k 4 heads, so
    // 8 loads feed 16 FMAs; one horizontal sum per score, after the whole row.
    int h = 0;
    for (; h + 3 < heads; h += 4) {
      int t = 0;
      for (; t + 3 < tokens; t += 4) {
        scoreRows44(
            q,
            qOff + h * qStride,
            qStride,
            k,
            kOff + t * kStride,
            kStride,
            d,
            scale,
            scores,
            sOff + h * sStride + t,
            sStride);
      }
      if (t < tokens) {
        KernelProvider.super.scoreRows(
            q,
            qOff + h * qStride,
            qStride,
            4,
            k,
            kOff + t * kStride,
            kStride,
            tokens - t,
            d,
            scale,
            scores,
            sOff + h * sStride + t,
            sStride);
      }
    }
    if (h < heads) {
      KernelProvider.super.scoreRows(
          q,
          qOff + h * qStride,
          qStride,
          heads - h,
          k,
          kOff,
          kStride,
          tokens,
          d,
          scale,
          scores,
          sOff + h * sStride,
          sStride);
    }
  }

  private static void scoreRows44(
      float[] q,
      int q0,
      int qStride,
      float[] k,
      int k0,
      int kStride,
      int d,
      float scale,
      float[] scores,
      int s0,
      int sStride) {
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
      FloatVector x0 = FloatVector.fromArray(F, k, k0 + i);
      FloatVector x1 = FloatVector.fromArray(F, k, k1 + i);
      FloatVector x2 = FloatVector.fromArray(F, k, k2 + i);
      FloatVector x3 = FloatVector.fromArray(F, k, k3 + i);
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
          sums[hh * 4 + tt] = Math.fma(qv, k[k0 + tt * kStride + i], sums[hh * 4 + tt]);
        }
      }
    }
    for (int hh = 0; hh < 4; hh++) {
      for (int tt = 0; tt < 4; tt++) {
        scores[s0 + hh * sStride + tt] += sums[hh * 4 + tt] * scale;
      }
    }
  }

  @Override
  public void scoreRowsBf16(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      short[] k,
      int kOff,
      int kStride,
      int tokens,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    // Tiles of 4 heads x 4 rows: each loaded vector of q serves 4 rows and each of k 4 heads, so
    // 8 loads feed 16 FMAs; one horizontal sum per score, after the whole row.
    int h = 0;
    for (; h + 3 < heads; h += 4) {
      int t = 0;
      for (; t + 3 < tokens; t += 4) {
        scoreRows44Bf16(
            q,
            qOff + h * qStride,
            qStride,
            k,
            kOff + t * kStride,
            kStride,
            d,
            scale,
            scores,
            sOff + h * sStride + t,
            sStride);
      }
      if (t < tokens) {
        KernelProvider.super.scoreRowsBf16(
            q,
            qOff + h * qStride,
            qStride,
            4,
            k,
            kOff + t * kStride,
            kStride,
            tokens - t,
            d,
            scale,
            scores,
            sOff + h * sStride + t,
            sStride);
      }
    }
    if (h < heads) {
      KernelProvider.super.scoreRowsBf16(
          q,
          qOff + h * qStride,
          qStride,
          heads - h,
          k,
          kOff,
          kStride,
          tokens,
          d,
          scale,
          scores,
          sOff + h * sStride,
          sStride);
    }
  }

  private static void scoreRows44Bf16(
      float[] q,
      int q0,
      int qStride,
      short[] k,
      int k0,
      int kStride,
      int d,
      float scale,
      float[] scores,
      int s0,
      int sStride) {
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
      FloatVector x0 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, k0 + i)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector x1 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, k1 + i)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector x2 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, k2 + i)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
      FloatVector x3 =
          ((FloatVector)
              ShortVector.fromArray(BF16, k, k3 + i)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats());
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
          sums[hh * 4 + tt] =
              Math.fma(qv, Float.intBitsToFloat(k[k0 + tt * kStride + i] << 16), sums[hh * 4 + tt]);
        }
      }
    }
    for (int hh = 0; hh < 4; hh++) {
      for (int tt = 0; tt < 4; tt++) {
        scores[s0 + hh * sStride + tt] += sums[hh * 4 + tt] * scale;
      }
    }
  }

  @Override
  public void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      ((FloatVector)
              ShortVector.fromArray(BF16, src, srcOff + i)
                  .convertShape(VectorOperators.S2I, I, 0)
                  .lanewise(VectorOperators.LSHL, 16)
                  .reinterpretAsFloats())
          .intoArray(dst, dstOff + i);
    }
    for (; i < n; i++) {
      dst[dstOff + i] = Float.intBitsToFloat(src[srcOff + i] << 16);
    }
  }

  @Override
  public GemmMicroKernel gemmMicroKernel() {
    return microKernel;
  }

  @Override
  public double sum(float[] a, int from, int to) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = from;
    for (int end = to - 4 * LANES; i <= end; i += 4 * LANES) {
      s0 = s0.add(FloatVector.fromArray(F, a, i));
      s1 = s1.add(FloatVector.fromArray(F, a, i + LANES));
      s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * LANES));
      s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * LANES));
    }
    double sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      sum += a[i];
    }
    return sum;
  }

  @Override
  public void copy(float[] src, float[] dst, int from, int to) {
    int i = from;
    for (int end = to - 2 * LANES; i <= end; i += 2 * LANES) {
      FloatVector.fromArray(F, src, i).intoArray(dst, i);
      FloatVector.fromArray(F, src, i + LANES).intoArray(dst, i + LANES);
    }
    for (; i < to; i++) {
      dst[i] = src[i];
    }
  }

  @Override
  public void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
    FloatVector vs = FloatVector.broadcast(F, s);
    int i = from;
    for (int end = to - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, c, i).fma(vs, FloatVector.fromArray(F, b, i)).intoArray(a, i);
    }
    for (; i < to; i++) {
      a[i] = b[i] + s * c[i];
    }
  }

  @Override
  public double fmaLoop(long iterations, float seed) {
    // Twelve independent chains: more than FMA latency (4) × FMA ports (2), with room to spare.
    FloatVector m = FloatVector.broadcast(F, 0.999999f);
    FloatVector c = FloatVector.broadcast(F, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(F, seed);
    FloatVector a1 = FloatVector.broadcast(F, seed + 1);
    FloatVector a2 = FloatVector.broadcast(F, seed + 2);
    FloatVector a3 = FloatVector.broadcast(F, seed + 3);
    FloatVector a4 = FloatVector.broadcast(F, seed + 4);
    FloatVector a5 = FloatVector.broadcast(F, seed + 5);
    FloatVector a6 = FloatVector.broadcast(F, seed + 6);
    FloatVector a7 = FloatVector.broadcast(F, seed + 7);
    FloatVector a8 = FloatVector.broadcast(F, seed + 8);
    FloatVector a9 = FloatVector.broadcast(F, seed + 9);
    FloatVector a10 = FloatVector.broadcast(F, seed + 10);
    FloatVector a11 = FloatVector.broadcast(F, seed + 11);
    for (long i = 0; i < iterations; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    FloatVector s =
        a0.add(a1)
            .add(a2)
            .add(a3)
            .add(a4)
            .add(a5)
            .add(a6)
            .add(a7)
            .add(a8)
            .add(a9)
            .add(a10)
            .add(a11);
    return s.reduceLanes(VectorOperators.ADD);
  }

  @Override
  public int fmaFlopsPerIteration() {
    return 12 * 2 * LANES;
  }
}
