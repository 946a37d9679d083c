package dev.hwplan.kernels.vector;

import static dev.hwplan.kernels.vector.Species.F;
import static dev.hwplan.kernels.vector.Species.I;

import dev.hwplan.kernels.Storage;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * How a kernel reads the operand it streams (keys, values, a matrix row): fp32 as it is, or bf16
 * widened in registers. The tiled kernels of this package are written once, over a {@code Load};
 * the provider picks the one that matches a {@link dev.hwplan.kernels.Storage}'s dtype. Both loads
 * are small, so C2 inlines them at each call (one type check where a process streams both dtypes).
 * The short per-row loops (dot, axpy) keep one body per dtype in {@link VectorLevel1}, reached
 * through {@link #dot}.
 *
 * <p>bf16 widening: 16-bit lanes are sign-extended to 32 bits and shifted left by 16, which leaves
 * the exact fp32 pattern (see {@link dev.hwplan.kernels.Bf16}).
 *
 * @param <A> the array type of the operand: {@code float[]} or {@code short[]}
 */
abstract class Load<A> {
  /** fp32 operands. */
  static final Load<float[]> FP32 = new Fp32();

  /** bf16 operands, as the upper halves of fp32 patterns in a {@code short[]}. */
  static final Load<short[]> BF16 = new Bf16();

  private Load() {}

  /**
   * The elements of {@code s}, which is of this load's dtype: the array itself, not a copy. The
   * cast is safe because each kernel family instance, holding one load, is picked by the same
   * dtype.
   */
  @SuppressWarnings("unchecked")
  final A array(Storage s) {
    return (A) (s instanceof Storage.Fp32 fp32 ? fp32.data() : ((Storage.Bf16Data) s).data());
  }

  /** {@link Species#LANES} elements of {@code a} from {@code off}, as fp32. */
  abstract FloatVector vector(A a, int off);

  /** Element {@code i} of {@code a}, as fp32. */
  abstract float scalar(A a, int i);

  /** Σ x[xOff+i]·a[off+i] for i in [0, n), by the dot product for this dtype. */
  abstract float dot(float[] x, int xOff, A a, int off, int n);

  private static final class Fp32 extends Load<float[]> {
    @Override
    FloatVector vector(float[] a, int off) {
      return FloatVector.fromArray(F, a, off);
    }

    @Override
    float scalar(float[] a, int i) {
      return a[i];
    }

    @Override
    float dot(float[] x, int xOff, float[] a, int off, int n) {
      return VectorLevel1.dot(x, xOff, a, off, n);
    }
  }

  private static final class Bf16 extends Load<short[]> {
    @Override
    FloatVector vector(short[] a, int off) {
      return (FloatVector)
          ShortVector.fromArray(Species.BF16, a, off)
              .convertShape(VectorOperators.S2I, I, 0)
              .lanewise(VectorOperators.LSHL, 16)
              .reinterpretAsFloats();
    }

    @Override
    float scalar(short[] a, int i) {
      return Float.intBitsToFloat(a[i] << 16);
    }

    @Override
    float dot(float[] x, int xOff, short[] a, int off, int n) {
      return VectorLevel1.dotBf16(x, xOff, a, off, n);
    }
  }
}
