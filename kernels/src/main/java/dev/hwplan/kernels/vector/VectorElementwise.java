package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.LANES;

import dev.hwplan.kernels.scalar.ScalarElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The element-wise primitives of softmax (max, exp and sum, scale), RMSNorm (scaled product) and
 * RoPE (rotation) on the Vector API, one vector at a time with a scalar tail (the rotation's is
 * {@link ScalarElementwise#rotate}, the scalar path's own loop).
 */
final class VectorElementwise {
  private VectorElementwise() {}

  static float max(float[] x, int off, int n) {
    FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, off + i));
    }
    float r = m.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      r = Math.max(r, x[off + i]);
    }
    return r;
  }

  static float expShiftSum(float[] x, int off, int n, float shift) {
    FloatVector vs = FloatVector.broadcast(F, shift);
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector e = FloatVector.fromArray(F, x, off + i).sub(vs).lanewise(VectorOperators.EXP);
      e.intoArray(x, off + i);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      float e = (float) Math.exp(x[off + i] - shift);
      x[off + i] = e;
      sum += e;
    }
    return sum;
  }

  static void scale(float[] x, int off, int n, float s) {
    FloatVector vs = FloatVector.broadcast(F, s);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, x, off + i).mul(vs).intoArray(x, off + i);
    }
    for (; i < n; i++) {
      x[off + i] *= s;
    }
  }

  static void mulScaled(
      float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n) {
    FloatVector vs = FloatVector.broadcast(F, s);
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector.fromArray(F, x, xOff + i)
          .mul(FloatVector.fromArray(F, w, wOff + i))
          .mul(vs)
          .intoArray(out, outOff + i);
    }
    for (; i < n; i++) {
      out[outOff + i] = x[xOff + i] * w[wOff + i] * s;
    }
  }

  static void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n) {
    int i = 0;
    for (int end = n - LANES; i <= end; i += LANES) {
      FloatVector a = FloatVector.fromArray(F, x, lo + i);
      FloatVector b = FloatVector.fromArray(F, x, hi + i);
      FloatVector c = FloatVector.fromArray(F, cos, csOff + i);
      FloatVector s = FloatVector.fromArray(F, sin, csOff + i);
      a.mul(c).sub(b.mul(s)).intoArray(x, lo + i);
      b.mul(c).add(a.mul(s)).intoArray(x, hi + i);
    }
    ScalarElementwise.rotate(x, lo + i, hi + i, cos, sin, csOff + i, n - i);
  }
}
