package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.kernels.ScoreShape;
import dev.hwplan.kernels.Storage;
import dev.hwplan.kernels.WeightShape;

/**
 * The scoring and weighting primitives of attention in plain Java, written over {@link
 * ScalarLevel1} for fp32 or bf16 keys and values (see {@link
 * dev.hwplan.kernels.KernelProvider#scoreBlocks} and its neighbours for what each computes).
 *
 * @param ld the load of the dtype this instance reads
 */
record ScalarAttention<A>(ScalarLoad<A> ld) {
  /** {@link dev.hwplan.kernels.KernelProvider#scoreBlocks}. */
  void scoreBlocks(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    A keys = ld.array(k);
    int d = s.d();
    for (int b = 0; b < n; b++) {
      int kb = kOff + b * s.kStride();
      int sb = sOff + b * KeyLayout.BLOCK;
      for (int h = 0; h < s.heads(); h++) {
        int qh = qOff + h * s.qStride();
        for (int j = 0; j < KeyLayout.BLOCK; j++) {
          float sum = 0;
          for (int i = 0; i < d; i++) {
            sum = Math.fma(q[qh + i], ld.get(keys, kb + KeyLayout.BLOCK * i + j), sum);
          }
          scores[sb + h * s.sStride() + j] = sum * s.scale();
        }
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#scoreRows}. */
  void scoreRows(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    A keys = ld.array(k);
    for (int t = 0; t < n; t++) {
      for (int h = 0; h < s.heads(); h++) {
        float dot = ld.dot(q, qOff + h * s.qStride(), keys, kOff + t * s.kStride(), s.d());
        scores[sOff + h * s.sStride() + t] += dot * s.scale();
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#weightedRowsHeads}, one head after the other. */
  void weightedRowsHeads(
      WeightShape s, float[] w, int wOff, Storage v, int vOff, int n, float[] out, int outOff) {
    A rows = ld.array(v);
    int d = s.d();
    for (int h = 0; h < s.heads(); h++) {
      int wh = wOff + h * s.wStride();
      int oh = outOff + h * s.outStride();
      for (int t = 0; t < n; t++) {
        ld.axpy(w[wh + t], rows, vOff + t * d, out, oh, d);
      }
    }
  }
}
