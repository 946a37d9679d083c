package dev.hwplan.kernels;

import java.util.Objects;

/**
 * A read-only tensor in fp32 or bf16 storage: the KV cache, or weights. The kernels read it through
 * the provider's primitives, so bf16 is widened in registers and never copied to fp32 in memory.
 */
public sealed interface Storage permits Storage.Fp32, Storage.Bf16Data {

  /** Wraps fp32 data. */
  static Storage of(float[] data) {
    return new Fp32(data);
  }

  /** Wraps bf16 data, stored as in {@link Bf16}. */
  static Storage ofBf16(short[] data) {
    return new Bf16Data(data);
  }

  /** Number of elements. */
  int length();

  /** Bytes per element: 4 or 2. */
  int bytesPerElement();

  /** {@code "fp32"} or {@code "bf16"}. */
  String dtype();

  /** The element at i, widened to fp32. */
  float get(int i);

  /** Σ q[qOff+j]·this[off+j] for j in [0, n). */
  float dot(KernelProvider p, float[] q, int qOff, int off, int n);

  /** y[yOff+j] += alpha·this[off+j] for j in [0, n). */
  void axpy(KernelProvider p, float alpha, int off, float[] y, int yOff, int n);

  /** dst[dstOff+j] = this[off+j] for j in [0, n), widened to fp32. */
  void copyTo(int off, float[] dst, int dstOff, int n);

  /** {@link KernelProvider#scoreBlock} on this storage. */
  void scoreBlock(
      KernelProvider p,
      float[] q,
      int qOff,
      int qStride,
      int heads,
      int kOff,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride);

  /** {@link KernelProvider#scoreBlocks} on this storage. */
  void scoreBlocks(
      KernelProvider p,
      float[] q,
      int qOff,
      int qStride,
      int heads,
      int kOff,
      int blocks,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride);

  /** {@link KernelProvider#scoreRows} on this storage. */
  void scoreRows(
      KernelProvider p,
      float[] q,
      int qOff,
      int qStride,
      int heads,
      int kOff,
      int kStride,
      int tokens,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride);

  /** {@link KernelProvider#weightedRowsHeads} on this storage. */
  void weightedRowsHeads(
      KernelProvider p,
      float[] w,
      int wOff,
      int wStride,
      int heads,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride);

  /** {@link KernelProvider#weightedRows2} on this storage. */
  void weightedRows2(
      KernelProvider p,
      float[] w,
      int wOffA,
      int wOffB,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outA,
      int outB);

  /** {@link KernelProvider#weightedRows} on this storage. */
  void weightedRows(
      KernelProvider p, float[] w, int wOff, int vOff, int d, int tokens, float[] out, int outOff);

  /** fp32 storage. */
  record Fp32(float[] data) implements Storage {
    public Fp32 {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public int length() {
      return data.length;
    }

    @Override
    public int bytesPerElement() {
      return 4;
    }

    @Override
    public String dtype() {
      return "fp32";
    }

    @Override
    public float get(int i) {
      return data[i];
    }

    @Override
    public float dot(KernelProvider p, float[] q, int qOff, int off, int n) {
      return p.dot(q, qOff, data, off, n);
    }

    @Override
    public void axpy(KernelProvider p, float alpha, int off, float[] y, int yOff, int n) {
      p.axpy(alpha, data, off, y, yOff, n);
    }

    @Override
    public void scoreBlock(
        KernelProvider p,
        float[] q,
        int qOff,
        int qStride,
        int heads,
        int kOff,
        int d,
        float scale,
        float[] scores,
        int sOff,
        int sStride) {
      p.scoreBlock(q, qOff, qStride, heads, data, kOff, d, scale, scores, sOff, sStride);
    }

    @Override
    public void weightedRows2(
        KernelProvider p,
        float[] w,
        int wOffA,
        int wOffB,
        int vOff,
        int d,
        int tokens,
        float[] out,
        int outA,
        int outB) {
      p.weightedRows2(w, wOffA, wOffB, data, vOff, d, tokens, out, outA, outB);
    }

    @Override
    public void scoreBlocks(
        KernelProvider p,
        float[] q,
        int qOff,
        int qStride,
        int heads,
        int kOff,
        int blocks,
        int d,
        float scale,
        float[] scores,
        int sOff,
        int sStride) {
      p.scoreBlocks(q, qOff, qStride, heads, data, kOff, blocks, d, scale, scores, sOff, sStride);
    }

    @Override
    public void weightedRowsHeads(
        KernelProvider p,
        float[] w,
        int wOff,
        int wStride,
        int heads,
        int vOff,
        int d,
        int tokens,
        float[] out,
        int outOff,
        int outStride) {
      p.weightedRowsHeads(w, wOff, wStride, heads, data, vOff, d, tokens, out, outOff, outStride);
    }

    @Override
    public void scoreRows(
        KernelProvider p,
        float[] q,
        int qOff,
        int qStride,
        int heads,
        int kOff,
        int kStride,
        int tokens,
        int d,
        float scale,
        float[] scores,
        int sOff,
        int sStride) {
      p.scoreRows(
          q, qOff, qStride, heads, data, kOff, kStride, tokens, d, scale, scores, sOff, sStride);
    }

    @Override
    public void weightedRows(
        KernelProvider p,
        float[] w,
        int wOff,
        int vOff,
        int d,
        int tokens,
        float[] out,
        int outOff) {
      p.weightedRows(w, wOff, data, vOff, d, tokens, out, outOff);
    }

    @Override
    public void copyTo(int off, float[] dst, int dstOff, int n) {
      System.arraycopy(data, off, dst, dstOff, n);
    }
  }

  /** bf16 storage. */
  record Bf16Data(short[] data) implements Storage {
    public Bf16Data {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public int length() {
      return data.length;
    }

    @Override
    public int bytesPerElement() {
      return 2;
    }

    @Override
    public String dtype() {
      return "bf16";
    }

    @Override
    public float get(int i) {
      return Bf16.toFloat(data[i]);
    }

    @Override
    public float dot(KernelProvider p, float[] q, int qOff, int off, int n) {
      return p.dotBf16(q, qOff, data, off, n);
    }

    @Override
    public void axpy(KernelProvider p, float alpha, int off, float[] y, int yOff, int n) {
      p.axpyBf16(alpha, data, off, y, yOff, n);
    }

    @Override
    public void scoreBlock(
        KernelProvider p,
        float[] q,
        int qOff,
        int qStride,
        int heads,
        int kOff,
        int d,
        float scale,
        float[] scores,
        int sOff,
        int sStride) {
      p.scoreBlockBf16(q, qOff, qStride, heads, data, kOff, d, scale, scores, sOff, sStride);
    }

    @Override
    public void weightedRows2(
        KernelProvider p,
        float[] w,
        int wOffA,
        int wOffB,
        int vOff,
        int d,
        int tokens,
        float[] out,
        int outA,
        int outB) {
      p.weightedRows2Bf16(w, wOffA, wOffB, data, vOff, d, tokens, out, outA, outB);
    }

    @Override
    public void scoreBlocks(
        KernelProvider p,
        float[] q,
        int qOff,
        int qStride,
        int heads,
        int kOff,
        int blocks,
        int d,
        float scale,
        float[] scores,
        int sOff,
        int sStride) {
      p.scoreBlocksBf16(
          q, qOff, qStride, heads, data, kOff, blocks, d, scale, scores, sOff, sStride);
    }

    @Override
    public void weightedRowsHeads(
        KernelProvider p,
        float[] w,
        int wOff,
        int wStride,
        int heads,
        int vOff,
        int d,
        int tokens,
        float[] out,
        int outOff,
        int outStride) {
      p.weightedRowsHeadsBf16(
          w, wOff, wStride, heads, data, vOff, d, tokens, out, outOff, outStride);
    }

    @Override
    public void scoreRows(
        KernelProvider p,
        float[] q,
        int qOff,
        int qStride,
        int heads,
        int kOff,
        int kStride,
        int tokens,
        int d,
        float scale,
        float[] scores,
        int sOff,
        int sStride) {
      p.scoreRowsBf16(
          q, qOff, qStride, heads, data, kOff, kStride, tokens, d, scale, scores, sOff, sStride);
    }

    @Override
    public void weightedRows(
        KernelProvider p,
        float[] w,
        int wOff,
        int vOff,
        int d,
        int tokens,
        float[] out,
        int outOff) {
      p.weightedRowsBf16(w, wOff, data, vOff, d, tokens, out, outOff);
    }

    @Override
    public void copyTo(int off, float[] dst, int dstOff, int n) {
      for (int j = 0; j < n; j++) {
        dst[dstOff + j] = Bf16.toFloat(data[off + j]);
      }
    }
  }
}
