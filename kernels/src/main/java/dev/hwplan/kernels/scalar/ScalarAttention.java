package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.kernels.ScoreShape;
import dev.hwplan.kernels.Storage;
import dev.hwplan.kernels.WeightShape;

/**
 * The scoring and weighting primitives of attention in plain Java, written over {@link
 * ScalarLevel1} for fp32 or bf16 keys and values (see {@link
 * dev.hwplan.kernels.KernelProvider#scoreBlocks} and its neighbours for what each computes).
 */
final class ScalarAttention {
  private ScalarAttention() {}

  /** {@link dev.hwplan.kernels.KernelProvider#scoreBlocks}. */
  static <A> void scoreBlocks(
      ScoreShape s,
      float[] q,
      int qOff,
      ScalarLoad<A> ld,
      Storage keys,
      int kOff,
      int blocks,
      float[] scores,
      int sOff) {
    A k = ld.array(keys);
    int d = s.d();
    for (int b = 0; b < blocks; b++) {
      int kb = kOff + b * s.kStride();
      int sb = sOff + b * KeyLayout.BLOCK;
      for (int h = 0; h < s.heads(); h++) {
        int qh = qOff + h * s.qStride();
        for (int j = 0; j < KeyLayout.BLOCK; j++) {
          float sum = 0;
          for (int i = 0; i < d; i++) {
            sum = Math.fma(q[qh + i], ld.get(k, kb + KeyLayout.BLOCK * i + j), sum);
          }
          scores[sb + h * s.sStride() + j] = sum * s.scale();
        }
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#scoreRows}. */
  static <A> void scoreRows(
      ScoreShape s,
      float[] q,
      int qOff,
      ScalarLoad<A> ld,
      Storage keys,
      int kOff,
      int tokens,
      float[] scores,
      int sOff) {
    A k = ld.array(keys);
    for (int t = 0; t < tokens; t++) {
      for (int h = 0; h < s.heads(); h++) {
        float dot = ld.dot(q, qOff + h * s.qStride(), k, kOff + t * s.kStride(), s.d());
        scores[sOff + h * s.sStride() + t] += dot * s.scale();
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#weightedRowsHeads}, one head after the other. */
  static <A> void weightedRowsHeads(
      WeightShape s,
      float[] w,
      int wOff,
      ScalarLoad<A> ld,
      Storage values,
      int vOff,
      int tokens,
      float[] out,
      int outOff) {
    A v = ld.array(values);
    int d = s.d();
    for (int h = 0; h < s.heads(); h++) {
      int wh = wOff + h * s.wStride();
      int oh = outOff + h * s.outStride();
      for (int t = 0; t < tokens; t++) {
        ld.axpy(w[wh + t], v, vOff + t * d, out, oh, d);
      }
    }
  }
}
