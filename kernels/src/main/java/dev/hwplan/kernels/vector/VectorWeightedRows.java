package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.Storage;
import dev.hwplan.kernels.WeightShape;
import jdk.incubator.vector.FloatVector;

/**
 * The weighted sums of value rows (the P·V of attention) on the Vector API, for fp32 or bf16 rows
 * (see {@link dev.hwplan.kernels.KernelProvider#weightedRowsHeads}).
 *
 * <p>The tiles (8 and 4 vectors of one head, 8 of two heads, 4 × 4 of four heads) are unrolled by
 * hand on purpose, each a small method of its own: C2 keeps named FloatVector locals in registers
 * (an array of vectors would box them), and boxed them when the tiles were inlined into one large
 * method (10× slower, bench/cpu/RESULTS.md, run 6, where the 4-head tile, which loads and widens
 * each V vector once for four heads, came in).
 *
 * @param ld the load of the dtype this instance reads
 */
record VectorWeightedRows<A>(Load<A> ld) {
  /** out[outOff + i] += Σ_t w[wOff + t] · v[vOff + t·d + i], for one head. */
  private static <A> void weightedRows(
      WeightShape s,
      float[] w,
      int wOff,
      Load<A> ld,
      A v,
      int vOff,
      int n,
      float[] out,
      int outOff) {
    int d = s.d();
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
      for (int t = 0; t < n; t++, row += d) {
        FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
        a0 = ld.vector(v, row + 0 * LANES).fma(wt, a0);
        a1 = ld.vector(v, row + 1 * LANES).fma(wt, a1);
        a2 = ld.vector(v, row + 2 * LANES).fma(wt, a2);
        a3 = ld.vector(v, row + 3 * LANES).fma(wt, a3);
        a4 = ld.vector(v, row + 4 * LANES).fma(wt, a4);
        a5 = ld.vector(v, row + 5 * LANES).fma(wt, a5);
        a6 = ld.vector(v, row + 6 * LANES).fma(wt, a6);
        a7 = ld.vector(v, row + 7 * LANES).fma(wt, a7);
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
      for (int t = 0; t < n; t++, row += d) {
        FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
        a0 = ld.vector(v, row).fma(wt, a0);
        a1 = ld.vector(v, row + LANES).fma(wt, a1);
        a2 = ld.vector(v, row + 2 * LANES).fma(wt, a2);
        a3 = ld.vector(v, row + 3 * LANES).fma(wt, a3);
      }
      a0.intoArray(out, o);
      a1.intoArray(out, o + LANES);
      a2.intoArray(out, o + 2 * LANES);
      a3.intoArray(out, o + 3 * LANES);
    }
    for (; c + LANES <= d; c += LANES) {
      FloatVector a0 = FloatVector.fromArray(F, out, outOff + c);
      int row = vOff + c;
      for (int t = 0; t < n; t++, row += d) {
        a0 = ld.vector(v, row).fma(FloatVector.broadcast(F, w[wOff + t]), a0);
      }
      a0.intoArray(out, outOff + c);
    }
    for (; c < d; c++) {
      float sum = out[outOff + c];
      int row = vOff + c;
      for (int t = 0; t < n; t++, row += d) {
        sum = Math.fma(w[wOff + t], ld.scalar(v, row), sum);
      }
      out[outOff + c] = sum;
    }
  }

  /** {@link #weightedRows} for two heads, head A's at wOffA and outA and head B's one stride on. */
  private static <A> void weightedRows2(
      WeightShape s,
      float[] w,
      int wOffA,
      Load<A> ld,
      A v,
      int vOff,
      int n,
      float[] out,
      int outA) {
    int d = s.d();
    int wOffB = wOffA + s.wStride();
    int outB = outA + s.outStride();
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
      for (int t = 0; t < n; t++, row += d) {
        FloatVector wa = FloatVector.broadcast(F, w[wOffA + t]);
        FloatVector wb = FloatVector.broadcast(F, w[wOffB + t]);
        FloatVector x0 = ld.vector(v, row + 0 * LANES);
        a0 = x0.fma(wa, a0);
        b0 = x0.fma(wb, b0);
        FloatVector x1 = ld.vector(v, row + 1 * LANES);
        a1 = x1.fma(wa, a1);
        b1 = x1.fma(wb, b1);
        FloatVector x2 = ld.vector(v, row + 2 * LANES);
        a2 = x2.fma(wa, a2);
        b2 = x2.fma(wb, b2);
        FloatVector x3 = ld.vector(v, row + 3 * LANES);
        a3 = x3.fma(wa, a3);
        b3 = x3.fma(wb, b3);
        FloatVector x4 = ld.vector(v, row + 4 * LANES);
        a4 = x4.fma(wa, a4);
        b4 = x4.fma(wb, b4);
        FloatVector x5 = ld.vector(v, row + 5 * LANES);
        a5 = x5.fma(wa, a5);
        b5 = x5.fma(wb, b5);
        FloatVector x6 = ld.vector(v, row + 6 * LANES);
        a6 = x6.fma(wa, a6);
        b6 = x6.fma(wb, b6);
        FloatVector x7 = ld.vector(v, row + 7 * LANES);
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
      for (int t = 0; t < n; t++, row += d) {
        FloatVector x0 = ld.vector(v, row);
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
      for (int t = 0; t < n; t++, row += d) {
        float x = ld.scalar(v, row);
        sa = Math.fma(w[wOffA + t], x, sa);
        sb = Math.fma(w[wOffB + t], x, sb);
      }
      out[outA + c] = sa;
      out[outB + c] = sb;
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#weightedRowsHeads}. */
  void weightedRowsHeads(
      WeightShape s, float[] w, int wOff, Storage v, int vOff, int n, float[] out, int outOff) {
    // Tiles of 4 heads x 4 output vectors: each row vector, loaded (and widened) once, feeds 4
    // heads; each broadcast weight feeds 4 vectors; 16 independent FMA chains.
    A rows = ld.array(v);
    int heads = s.heads();
    int wStride = s.wStride();
    int outStride = s.outStride();
    int h = 0;
    for (; h + 3 < heads; h += 4) {
      weighted4(s, w, wOff + h * wStride, ld, rows, vOff, n, out, outOff + h * outStride);
    }
    for (; h + 1 < heads; h += 2) {
      weightedRows2(s, w, wOff + h * wStride, ld, rows, vOff, n, out, outOff + h * outStride);
    }
    if (h < heads) {
      weightedRows(s, w, wOff + h * wStride, ld, rows, vOff, n, out, outOff + h * outStride);
    }
  }

  /** {@link #weightedRowsHeads} for four heads. */
  private static <A> void weighted4(
      WeightShape s,
      float[] w,
      int wOff,
      Load<A> ld,
      A v,
      int vOff,
      int n,
      float[] out,
      int outOff) {
    int d = s.d();
    int wStride = s.wStride();
    int outStride = s.outStride();
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
      for (int t = 0; t < n; t++, row += d) {
        FloatVector x0 = ld.vector(v, row);
        FloatVector x1 = ld.vector(v, row + LANES);
        FloatVector x2 = ld.vector(v, row + 2 * LANES);
        FloatVector x3 = ld.vector(v, row + 3 * LANES);
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
      for (int t = 0; t < n; t++, row += d) {
        FloatVector x = ld.vector(v, row);
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
      for (int t = 0; t < n; t++, row += d) {
        float x = ld.scalar(v, row);
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
}
