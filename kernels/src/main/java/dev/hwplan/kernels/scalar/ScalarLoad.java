package dev.hwplan.kernels.scalar;

import dev.hwplan.kernels.Bf16;
import dev.hwplan.kernels.Storage;

/**
 * How a scalar kernel reads the operand it streams (keys, values, a matrix row): fp32 as it is, or
 * bf16 widened exactly ({@link Bf16#toFloat}). The kernels of this package are written once, over a
 * {@code ScalarLoad}; the provider picks the one that matches a {@link
 * dev.hwplan.kernels.Storage}'s dtype.
 *
 * @param <A> the array type of the operand: {@code float[]} or {@code short[]}
 */
abstract class ScalarLoad<A> {
  /** fp32 operands. */
  static final ScalarLoad<float[]> FP32 = new Fp32();

  /** bf16 operands, as the upper halves of fp32 patterns in a {@code short[]}. */
  static final ScalarLoad<short[]> BF16 = new Bf16Load();

  private ScalarLoad() {}

  /**
   * The elements of {@code s}, which is of this load's dtype: the array itself, not a copy. The
   * cast is safe because each kernel family instance, holding one load, is picked by the same
   * dtype.
   */
  @SuppressWarnings("unchecked")
  final A array(Storage s) {
    return (A) (s instanceof Storage.Fp32 fp32 ? fp32.data() : ((Storage.Bf16Data) s).data());
  }

  /** Element {@code i} of {@code a}, as fp32. */
  abstract float get(A a, int i);

  /** Σ x[xOff+i]·a[off+i] for i in [0, n), by the dot product for this dtype. */
  abstract float dot(float[] x, int xOff, A a, int off, int n);

  /** y[yOff+i] += alpha·a[off+i] for i in [0, n), by the axpy for this dtype. */
  abstract void axpy(float alpha, A a, int off, float[] y, int yOff, int n);

  private static final class Fp32 extends ScalarLoad<float[]> {
    @Override
    float get(float[] a, int i) {
      return a[i];
    }

    @Override
    float dot(float[] x, int xOff, float[] a, int off, int n) {
      return ScalarLevel1.dot(x, xOff, a, off, n);
    }

    @Override
    void axpy(float alpha, float[] a, int off, float[] y, int yOff, int n) {
      ScalarLevel1.axpy(alpha, a, off, y, yOff, n);
    }
  }

  private static final class Bf16Load extends ScalarLoad<short[]> {
    @Override
    float get(short[] a, int i) {
      return Bf16.toFloat(a[i]);
    }

    @Override
    float dot(float[] x, int xOff, short[] a, int off, int n) {
      return ScalarLevel1.dotBf16(x, xOff, a, off, n);
    }

    @Override
    void axpy(float alpha, short[] a, int off, float[] y, int yOff, int n) {
      ScalarLevel1.axpyBf16(alpha, a, off, y, yOff, n);
    }
  }
}
