package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;

import dev.hwplan.kernels.GemmMicroKernel;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.Storage;

/**
 * The kernels on the Java Vector API. This class only routes: each family of primitives is a class
 * of its own ({@link VectorLevel1}, {@link VectorElementwise}, {@link VectorBlockScores}, {@link
 * VectorRowScores}, {@link VectorWeightedRows}, {@link VectorProbes}, {@link
 * VectorGemmMicroKernel}), written once over a {@link Load}; each primitive that streams a {@link
 * dev.hwplan.kernels.Storage} picks the {@code Load} from its dtype.
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

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    return VectorLevel1.dot(a, aOff, b, bOff, n);
  }

  @Override
  public float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
    return VectorLevel1.dotBf16(a, aOff, b, bOff, n);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    VectorLevel1.axpy(alpha, x, xOff, y, yOff, n);
  }

  @Override
  public void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n) {
    VectorLevel1.axpyBf16(alpha, x, xOff, y, yOff, n);
  }

  @Override
  public void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    VectorLevel1.widen(Load.BF16, src, srcOff, dst, dstOff, n);
  }

  @Override
  public float max(float[] x, int off, int n) {
    return VectorElementwise.max(x, off, n);
  }

  @Override
  public float expShiftSum(float[] x, int off, int n, float shift) {
    return VectorElementwise.expShiftSum(x, off, n, shift);
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    VectorElementwise.scale(x, off, n, s);
  }

  @Override
  public void mulScaled(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    VectorElementwise.mulScaled(x, xOff, w, wOff, s, out, outOff, n);
  }

  @Override
  public void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n) {
    VectorElementwise.rotate(x, lo, hi, cos, sin, csOff, n);
  }

  @Override
  public void scoreBlock(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      Storage k,
      int kOff,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    if (k instanceof Storage.Fp32 fp32) {
      VectorBlockScores.scoreBlock(
          q, qOff, qStride, heads, Load.FP32, fp32.data(), kOff, d, scale, scores, sOff, sStride);
    } else {
      VectorBlockScores.scoreBlock(
          q, qOff, qStride, heads, Load.BF16, bf16(k), kOff, d, scale, scores, sOff, sStride);
    }
  }

  @Override
  public void scoreBlocks(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      Storage k,
      int kOff,
      int blocks,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    if (k instanceof Storage.Fp32 fp32) {
      VectorBlockScores.scoreBlocks(
          q,
          qOff,
          qStride,
          heads,
          Load.FP32,
          fp32.data(),
          kOff,
          blocks,
          d,
          scale,
          scores,
          sOff,
          sStride);
    } else {
      VectorBlockScores.scoreBlocks(
          q, qOff, qStride, heads, Load.BF16, bf16(k), kOff, blocks, d, scale, scores, sOff,
          sStride);
    }
  }

  @Override
  public void scoreRows(
      float[] q,
      int qOff,
      int qStride,
      int heads,
      Storage k,
      int kOff,
      int kStride,
      int tokens,
      int d,
      float scale,
      float[] scores,
      int sOff,
      int sStride) {
    if (k instanceof Storage.Fp32 fp32) {
      VectorRowScores.scoreRows(
          q,
          qOff,
          qStride,
          heads,
          Load.FP32,
          fp32.data(),
          kOff,
          kStride,
          tokens,
          d,
          scale,
          scores,
          sOff,
          sStride);
    } else {
      VectorRowScores.scoreRows(
          q, qOff, qStride, heads, Load.BF16, bf16(k), kOff, kStride, tokens, d, scale, scores,
          sOff, sStride);
    }
  }

  @Override
  public void weightedRows(
      float[] w, int wOff, Storage v, int vOff, int d, int tokens, float[] out, int outOff) {
    if (v instanceof Storage.Fp32 fp32) {
      VectorWeightedRows.weightedRows(
          w, wOff, Load.FP32, fp32.data(), vOff, d, tokens, out, outOff);
    } else {
      VectorWeightedRows.weightedRows(w, wOff, Load.BF16, bf16(v), vOff, d, tokens, out, outOff);
    }
  }

  @Override
  public void weightedRows2(
      float[] w,
      int wOffA,
      int wOffB,
      Storage v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outA,
      int outB) {
    if (v instanceof Storage.Fp32 fp32) {
      VectorWeightedRows.weightedRows2(
          w, wOffA, wOffB, Load.FP32, fp32.data(), vOff, d, tokens, out, outA, outB);
    } else {
      VectorWeightedRows.weightedRows2(
          w, wOffA, wOffB, Load.BF16, bf16(v), vOff, d, tokens, out, outA, outB);
    }
  }

  @Override
  public void weightedRowsHeads(
      float[] w,
      int wOff,
      int wStride,
      int heads,
      Storage v,
      int vOff,
      int d,
      int tokens,
      float[] out,
      int outOff,
      int outStride) {
    if (v instanceof Storage.Fp32 fp32) {
      VectorWeightedRows.weightedRowsHeads(
          w, wOff, wStride, heads, Load.FP32, fp32.data(), vOff, d, tokens, out, outOff, outStride);
    } else {
      VectorWeightedRows.weightedRowsHeads(
          w, wOff, wStride, heads, Load.BF16, bf16(v), vOff, d, tokens, out, outOff, outStride);
    }
  }

  @Override
  public GemmMicroKernel gemmMicroKernel() {
    return microKernel;
  }

  @Override
  public double sum(float[] a, int from, int to) {
    return VectorProbes.sum(a, from, to);
  }

  @Override
  public void copy(float[] src, float[] dst, int from, int to) {
    VectorProbes.copy(src, dst, from, to);
  }

  @Override
  public void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
    VectorProbes.triad(a, b, c, s, from, to);
  }

  @Override
  public double fmaLoop(long iterations, float seed) {
    return VectorProbes.fmaLoop(iterations, seed);
  }

  @Override
  public int fmaFlopsPerIteration() {
    return VectorProbes.fmaFlopsPerIteration();
  }

  /** The bf16 elements of {@code s}, which is not fp32 (Storage is sealed: fp32 or bf16). */
  private static short[] bf16(Storage s) {
    return ((Storage.Bf16Data) s).data();
  }
}
