package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.KeyLayout;

/**
 * The scoring and weighting primitives of attention in plain Java, written over {@link
 * ScalarLevel1} for fp32 or bf16 keys and values (see {@link
 * dev.hwplan.kernels.KernelProvider#scoreBlock} and its neighbours for what each computes).
 */
final class ScalarAttention {
  private ScalarAttention() {}

  /** {@link dev.hwplan.kernels.KernelProvider#scoreBlock}. */
  static <A> void scoreBlock(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      ScalarLoad<A> ld,
      A k,
      int kOff,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < KeyLayout.BLOCK; j++) {
        float s = 0;
        for (int i = 0; i < d; i++) {
          s = Math.fma(q[qOff + h * qStride + i], ld.get(k, kOff + KeyLayout.BLOCK * i + j), s);
        }
        scores[sOff + h * sStride + j] = s * scale;
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#scoreBlocks}. */
  static <A> void scoreBlocks(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      ScalarLoad<A> ld,
      A k,
      int kOff,
      int blocks,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    for (int b = 0; b < blocks; b++) {
      scoreBlock(
          q,
          qOff,
          qStride,
          heads,
          ld,
          k,
          kOff + b * KeyLayout.BLOCK * d,
          d,
          scale,
          scores,
          sOff + b * KeyLayout.BLOCK,
          sStride);
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#scoreRows}. */
  static <A> void scoreRows(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      ScalarLoad<A> ld,
      A k,
      int kOff,
      int kStride,
      int tokens,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    for (int t = 0; t < tokens; t++) {
      for (int h = 0; h < heads; h++) {
        scores[sOff + h * sStride + t] +=
            ld.dot(q, qOff + h * qStride, k, kOff + t * kStride, d) * scale;
      }
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#weightedRowsHeads}. */
  static <A> void weightedRowsHeads(
      float[] w,
      int wOff,
      int wStride,
      int heads,
      ScalarLoad<A> ld,
      A v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride) {
    int h = 0;
    for (; h + 1 < heads; h += 2) {
      weightedRows2(
          w,
          wOff + h * wStride,
          wOff + (h + 1) * wStride,
          ld,
          v,
          vOff,
          d,
          tokens,
          out,
          outOff + h * outStride,
          outOff + (h + 1) * outStride);
    }
    if (h < heads) {
      weightedRows(w, wOff + h * wStride, ld, v, vOff, d, tokens, out, outOff + h * outStride);
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#weightedRows}. */
  static <A> void weightedRows(
      float[] w,
      int wOff,
      ScalarLoad<A> ld,
      A v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff) {
    for (int t = 0; t < tokens; t++) {
      ld.axpy(w[wOff + t], v, vOff + t * d, out, outOff, d);
    }
  }

  /** {@link dev.hwplan.kernels.KernelProvider#weightedRows2}. */
  static <A> void weightedRows2(
      float[] w,
      int wOffA,
      int wOffB,
      ScalarLoad<A> ld,
      A v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outA,
      int outB) {
    weightedRows(w, wOffA, ld, v, vOff, d, tokens, out, outA);
    weightedRows(w, wOffB, ld, v, vOff, d, tokens, out, outB);
  }
}
