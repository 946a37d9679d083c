package dev.hwplan.kernels.scalar;

/**
 * The element-wise primitives of softmax, RMSNorm and RoPE in plain Java. {@link #rotate} is public
 * because the vector path finishes its rotation's tail with it.
 */
public final class ScalarElementwise {
  private ScalarElementwise() {}

  static float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = off; i < off + n; i++) {
      m = Math.max(m, x[i]);
    }
    return m;
  }

  static float expShiftSum(float[] x, int off, int n, float shift) {
    float sum = 0;
    for (int i = off; i < off + n; i++) {
      float e = (float) Math.exp(x[i] - shift);
      x[i] = e;
      sum += e;
    }
    return sum;
  }

  static void scale(float[] x, int off, int n, float s) {
    for (int i = off; i < off + n; i++) {
      x[i] *= s;
    }
  }

  static void mulScaled(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = x[xOff + i] * w[wOff + i] * s;
    }
  }

  /**
   * RoPE's rotation of n pairs in place: (x[lo+i], x[hi+i]) turned by the angle whose cosine and
   * sine are cos[csOff+i] and sin[csOff+i].
   */
  public static void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n) {
    for (int i = 0; i < n; i++) {
      float a = x[lo + i];
      float b = x[hi + i];
      float c = cos[csOff + i];
      float s = sin[csOff + i];
      x[lo + i] = a * c - b * s;
      x[hi + i] = b * c + a * s;
    }
  }
}
