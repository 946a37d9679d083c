package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;

import dev.hwplan.kernels.GemmMicroKernel;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.ScoreShape;
import dev.hwplan.kernels.Storage;
import dev.hwplan.kernels.WeightShape;

/**
 * The kernels on the Java Vector API. This class only routes: each family of primitives is a class
 * of its own ({@link VectorLevel1}, {@link VectorElementwise}, {@link VectorBlockScores}, {@link
 * VectorRowScores}, {@link VectorWeightedRows}, {@link VectorProbes}, {@link
 * VectorGemmMicroKernel}), written once over a {@link Load}. The attention families are held once
 * per dtype, each instance with its {@code Load}: a primitive that streams a {@link
 * dev.hwplan.kernels.Storage} picks the instance for the Storage's dtype.
 *
 * <p>Loaded by reflection from {@link dev.hwplan.kernels.provider.KernelProviders} only when the
 * incubator module is present.
 */
public final class VectorKernelProvider implements KernelProvider {
  private final GemmMicroKernel microKernel = new VectorGemmMicroKernel();

  private static final Attention<float[]> FP32 = new Attention<>(Load.FP32);
  private static final Attention<short[]> BF16 = new Attention<>(Load.BF16);

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
  public void scoreBlocks(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    attention(k).blocks().scoreBlocks(s, q, qOff, k, kOff, n, scores, sOff);
  }

  @Override
  public void scoreRows(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff) {
    attention(k).rows().scoreRows(s, q, qOff, k, kOff, n, scores, sOff);
  }

  @Override
  public void weightedRowsHeads(
      WeightShape s, float[] w, int wOff, Storage v, int vOff, int n, float[] out, int outOff) {
    attention(v).weighted().weightedRowsHeads(s, w, wOff, v, vOff, n, out, outOff);
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

  /** The attention families for {@code s}'s dtype. */
  private static Attention<?> attention(Storage s) {
    return s instanceof Storage.Fp32 ? FP32 : BF16;
  }

  /** The attention families for one dtype, each instance holding that dtype's Load. */
  private record Attention<A>(
      VectorBlockScores<A> blocks, VectorRowScores<A> rows, VectorWeightedRows<A> weighted) {
    Attention(Load<A> ld) {
      this(new VectorBlockScores<>(ld), new VectorRowScores<>(ld), new VectorWeightedRows<>(ld));
    }
  }
}
