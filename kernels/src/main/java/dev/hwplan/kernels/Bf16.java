package dev.hwplan.kernels;

/**
 * bfloat16: the upper 16 bits of an IEEE 754 binary32 pattern (8 exponent bits, 7 mantissa bits),
 * kept in a {@code short}. Widening is exact: shift left by 16. Narrowing rounds to nearest, ties
 * to even, as PyTorch's {@code tensor.to(torch.bfloat16)} does; its relative error is at most 2^-8.
 */
public final class Bf16 {
  private Bf16() {}

  /** Unit roundoff of bf16 storage: 2^-8 (an 8-bit significand, 7 bits stored). */
  public static final double UNIT_ROUNDOFF = 0x1p-8;

  /** Widens exactly. */
  public static float toFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** Rounds to nearest even; NaN stays a (quiet) NaN, infinities stay infinite. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** Rounds every element. */
  public static short[] fromFloats(float[] src) {
    short[] out = new short[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = fromFloat(src[i]);
    }
    return out;
  }
}
