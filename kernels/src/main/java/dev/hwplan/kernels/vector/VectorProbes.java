package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The loops of the bandwidth and FMA probes (see dev.hwplan.kernels.probe) on the Vector API. */
final class VectorProbes {
  private VectorProbes() {}

  static double sum(float[] a, int from, int to) {
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = from;
    for (int end = to - 4 * LANES; i <= end; i += 4 * LANES) {
      s0 = s0.add(FloatVector.fromArray(F, a, i));
      s1 = s1.add(FloatVector.fromArray(F, a, i + LANES));
      s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * LANES));
      s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * LANES));
    }
    double sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      sum += a[i];
    }
    return sum;
  }

  static void copy(float[] src, float[] dst, int from, int to) {
    int i = from;
    for (int end = to - 2 * LANES; i <= end; i += 2 * LANES) {
      FloatVector.fromArray(F, src, i).intoArray(dst, i);
      FloatVector.fromArray(F, src, i + LANES).intoArray(dst, i + LANES);
    }
    for (; i < to; i++) {
      dst[i] = src[i];
    }
  }

  static void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
    FloatVector vs = FloatVector.broadcast(F, s);
    int i = from;
    for (int end = to - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, c, i).fma(vs, FloatVector.fromArray(F, b, i)).intoArray(a, i);
    }
    for (; i < to; i++) {
      a[i] = b[i] + s * c[i];
    }
  }

  static double fmaLoop(long iterations, float seed) {
    // Twelve independent chains: more than FMA latency (4) × FMA ports (2), with room to spare.
    FloatVector m = FloatVector.broadcast(F, 0.999999f);
    FloatVector c = FloatVector.broadcast(F, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(F, seed);
    FloatVector a1 = FloatVector.broadcast(F, seed + 1);
    FloatVector a2 = FloatVector.broadcast(F, seed + 2);
    FloatVector a3 = FloatVector.broadcast(F, seed + 3);
    FloatVector a4 = FloatVector.broadcast(F, seed + 4);
    FloatVector a5 = FloatVector.broadcast(F, seed + 5);
    FloatVector a6 = FloatVector.broadcast(F, seed + 6);
    FloatVector a7 = FloatVector.broadcast(F, seed + 7);
    FloatVector a8 = FloatVector.broadcast(F, seed + 8);
    FloatVector a9 = FloatVector.broadcast(F, seed + 9);
    FloatVector a10 = FloatVector.broadcast(F, seed + 10);
    FloatVector a11 = FloatVector.broadcast(F, seed + 11);
    for (long i = 0; i < iterations; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    FloatVector s =
        a0.add(a1)
            .add(a2)
            .add(a3)
            .add(a4)
            .add(a5)
            .add(a6)
            .add(a7)
            .add(a8)
            .add(a9)
            .add(a10)
            .add(a11);
    return s.reduceLanes(VectorOperators.ADD);
  }

  static int fmaFlopsPerIteration() {
    return 12 * 2 * LANES;
  }
}
