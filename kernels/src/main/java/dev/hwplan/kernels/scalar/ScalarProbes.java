package dev.hwplan.kernels.scalar;

/** The loops of the bandwidth and FMA probes (see dev.hwplan.kernels.probe) in plain Java. */
final class ScalarProbes {
  private ScalarProbes() {}

  static double sum(float[] a, int from, int to) {
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

  static void copy(float[] src, float[] dst, int from, int to) {
    System.arraycopy(src, from, dst, from, to - from);
  }

  static void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = b[i] + s * c[i];
    }
  }

  static double fmaLoop(long iterations, float seed) {
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

  static int fmaFlopsPerIteration() {
    return 16;
  }
}
