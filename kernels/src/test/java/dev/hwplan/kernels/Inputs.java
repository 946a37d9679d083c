package dev.hwplan.kernels;

import java.util.SplittableRandom;

/** Seeded random inputs, so that every failure replays. */
final class Inputs {
  private Inputs() {}

  static float[] uniform(long seed, long n, float lo, float hi) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[Math.toIntExact(n)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return x;
  }

  static float[] uniform(long seed, long n) {
    return uniform(seed, n, -1f, 1f);
  }

  /** fp32 or bf16 storage of the same values (bf16 rounds them). */
  static Storage storage(float[] x, String dtype) {
    return dtype.equals("bf16") ? Storage.ofBf16(Bf16.fromFloats(x)) : Storage.of(x);
  }
}
