package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.GemmMicroKernel;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.ScoreShape;
import dev.hwplan.kernels.Storage;
import dev.hwplan.kernels.WeightShape;

/**
 * The kernels in plain Java: the reference path, and the fallback where the Vector API is absent.
 * It is written as a careful scalar programmer would (reductions over four accumulators with FMA, a
 * 4 × 4 register-blocked GEMM), so that the vector path is compared with a fair baseline. This
 * class only routes: each family of primitives is a class of its own ({@link ScalarLevel1}, {@link
 * ScalarElementwise}, {@link ScalarAttention}, {@link ScalarProbes}, {@link
 * ScalarGemmMicroKernel}), written once over a {@link ScalarLoad}; {@link ScalarAttention} is held
 * once per dtype, and a primitive that streams a {@link Storage} picks the one for its dtype.
 */
public final class ScalarKernelProvider implements KernelProvider {
  private static final GemmMicroKernel MICRO_KERNEL = new ScalarGemmMicroKernel();
  private static final ScalarAttention<float[]> FP32 = new ScalarAttention<>(ScalarLoad.FP32);
  private static final ScalarAttention<short[]> BF16 = new ScalarAttention<>(ScalarLoad.BF16);

  @Override
  public String toString() {
    return name();
  }

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int vectorBitSize() {
    return 0;
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    return ScalarLevel1.dot(a, aOff, b, bOff, n);
  }

  @Override
  public float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
    return ScalarLevel1.dotBf16(a, aOff, b, bOff, n);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    ScalarLevel1.axpy(alpha, x, xOff, y, yOff, n);
  }

  @Override
  public void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n) {
    ScalarLevel1.axpyBf16(alpha, x, xOff, y, yOff, n);
  }

  @Override
  public void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
    ScalarLevel1.widen(ScalarLoad.BF16, src, srcOff, dst, dstOff, n);
  }

  @Override
  public float max(float[] x, int off, int n) {
    return ScalarElementwise.max(x, off, n);
  }

  @Override
  public float expShiftSum(float[] x, int off, int n, float shift) {
    return ScalarElementwise.expShiftSum(x, off, n, shift);
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    ScalarElementwise.scale(x, off, n, s);
  }

  @Override
  public void mulScaled(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    ScalarElementwise.mulScaled(x, xOff, w, wOff, s, out, outOff, n);
  }

  @Override
  public void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n) {
    ScalarElementwise.rotate(x, lo, hi, cos, sin, csOff, n);
  }

  @Override
  public void scoreBlocks(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    attention(k).scoreBlocks(s, q, qOff, k, kOff, n, scores, sOff);
  }

  @Override
  public void scoreRows(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    attention(k).scoreRows(s, q, qOff, k, kOff, n, scores, sOff);
  }

  @Override
  public void weightedRowsHeads(
      WeightShape s, float[] w, int wOff, Storage v, int vOff, int n, float[] out, int outOff) {
    attention(v).weightedRowsHeads(s, w, wOff, v, vOff, n, out, outOff);
  }

  @Override
  public GemmMicroKernel gemmMicroKernel() {
    return MICRO_KERNEL;
  }

  @Override
  public double sum(float[] a, int from, int to) {
    return ScalarProbes.sum(a, from, to);
  }

  @Override
  public void copy(float[] src, float[] dst, int from, int to) {
    ScalarProbes.copy(src, dst, from, to);
  }

  @Override
  public void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
    ScalarProbes.triad(a, b, c, s, from, to);
  }

  @Override
  public double fmaLoop(long iterations, float seed) {
    return ScalarProbes.fmaLoop(iterations, seed);
  }

  @Override
  public int fmaFlopsPerIteration() {
    return ScalarProbes.fmaFlopsPerIteration();
  }

  /** The attention primitives for {@code s}'s dtype. */
  private static ScalarAttention<?> attention(Storage s) {
    return s instanceof Storage.Fp32 ? FP32 : BF16;
  }
}
