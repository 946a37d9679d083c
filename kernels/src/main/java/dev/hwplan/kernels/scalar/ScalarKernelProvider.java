package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.GemmMicroKernel;
import dev.hwplan.kernels.KernelProvider;

/**
 * The kernels in plain Java: the reference path, and the fallback where the Vector API is absent.
 * It is written as a careful scalar programmer would (reductions over four accumulators with FMA, a
 * 4 × 4 register-blocked GEMM), so that the vector path is compared with a fair baseline.
 */
public final class ScalarKernelProvider implements KernelProvider {
  private static final GemmMicroKernel MICRO_KERNEL = new ScalarGemmMicroKernel();

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
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
      s1 = Math.fma(a[aOff + i + 1], b[bOff + i + 1], s1);
      s2 = Math.fma(a[aOff + i + 2], b[bOff + i + 2], s2);
      s3 = Math.fma(a[aOff + i + 3], b[bOff + i + 3], s3);
    }
    for (; i < n; i++) {
      s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float dotBf16(float[] a, int aOff, short[] b, int bOff, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 = Math.fma(a[aOff + i], bf16(b[bOff + i]), s0);
      s1 = Math.fma(a[aOff + i + 1], bf16(b[bOff + i + 1]), s1);
      s2 = Math.fma(a[aOff + i + 2], bf16(b[bOff + i + 2]), s2);
      s3 = Math.fma(a[aOff + i + 3], bf16(b[bOff + i + 3]), s3);
    }
    for (; i < n; i++) {
      s0 = Math.fma(a[aOff + i], bf16(b[bOff + i]), s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, bf16(x[xOff + i]), y[yOff + i]);
    }
  }

  @Override
  public float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = off; i < off + n; i++) {
      m = Math.max(m, x[i]);
    }
    return m;
  }

  @Override
  public float expShiftSum(float[] x, int off, int n, float shift) {
    float sum = 0;
    for (int i = off; i < off + n; i++) {
      float e = (float) Math.exp(x[i] - shift);
      x[i] = e;
      sum += e;
    }
    return sum;
  }

  @Override
  public void scale(float[] x, int off, int n, float s) {
    for (int i = off; i < off + n; i++) {
      x[i] *= s;
    }
  }

  @Override
  public void mulScaled(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = x[xOff + i] * w[wOff + i] * s;
    }
  }

  @Override
  public void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n) {
    for (int i = 0; i < n; i++) {
      float a = x[lo + i];
      float b = x[hi + i];
      float c = cos[csOff + i];
      float s = sin[csOff + i];
      x[lo + i] = a * c - b * s;
      x[hi + i] = b * c + a * s;
    }
  }

  @Override
  public GemmMicroKernel gemmMicroKernel() {
    return MICRO_KERNEL;
  }

  @Override
  public double sum(float[] a, int from, int to) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = from;
    for (; i + 3 < to; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < to; i++) {
      s0 += a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void copy(float[] src, float[] dst, int from, int to) {
    System.arraycopy(src, from, dst, from, to - from);
  }

  @Override
  public void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = b[i] + s * c[i];
    }
  }

  @Override
  public double fmaLoop(long iterations, float seed) {
    // Eight independent chains: the FMA latency (4 cycles) times the 2 FMA ports.
    float a0 = seed;
    float a1 = seed + 1;
    float a2 = seed + 2;
    float a3 = seed + 3;
    float a4 = seed + 4;
    float a5 = seed + 5;
    float a6 = seed + 6;
    float a7 = seed + 7;
    float m = 0.999999f;
    float c = 1e-7f;
    for (long i = 0; i < iterations; i++) {
      a0 = Math.fma(a0, m, c);
      a1 = Math.fma(a1, m, c);
      a2 = Math.fma(a2, m, c);
      a3 = Math.fma(a3, m, c);
      a4 = Math.fma(a4, m, c);
      a5 = Math.fma(a5, m, c);
      a6 = Math.fma(a6, m, c);
      a7 = Math.fma(a7, m, c);
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  }

  @Override
  public int fmaFlopsPerIteration() {
    return 16;
  }

  private static float bf16(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }
}
