package dev.hwplan.kernels;

import java.util.Objects;

/**
 * A read-only tensor in fp32 or bf16 storage: the KV cache, or weights. The kernels read it through
 * the provider's primitives, so bf16 is widened in registers and never copied to fp32 in memory.
 */
public sealed interface Storage permits Storage.Fp32, Storage.Bf16Data {

  /** Wraps fp32 data. */
  static Storage of(float[] data) {
    return new Fp32(data);
  }

  /** Wraps bf16 data, stored as in {@link Bf16}. */
  static Storage ofBf16(short[] data) {
    return new Bf16Data(data);
  }

  /** Number of elements. */
  int length();

  /** Bytes per element: 4 or 2. */
  int bytesPerElement();

  /** {@code "fp32"} or {@code "bf16"}. */
  String dtype();

  /** The element at i, widened to fp32. */
  float get(int i);

  /** Σ q[qOff+j]·this[off+j] for j in [0, n). */
  float dot(KernelProvider p, float[] q, int qOff, int off, int n);

  /** y[yOff+j] += alpha·this[off+j] for j in [0, n). */
  void axpy(KernelProvider p, float alpha, int off, float[] y, int yOff, int n);

  /** dst[dstOff+j] = this[off+j] for j in [0, n), widened to fp32. */
  void copyTo(int off, float[] dst, int dstOff, int n);

  /** fp32 storage. */
  record Fp32(float[] data) implements Storage {
    public Fp32 {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public int length() {
      return data.length;
    }

    @Override
    public int bytesPerElement() {
      return 4;
    }

    @Override
    public String dtype() {
      return "fp32";
    }

    @Override
    public float get(int i) {
      return data[i];
    }

    @Override
    public float dot(KernelProvider p, float[] q, int qOff, int off, int n) {
      return p.dot(q, qOff, data, off, n);
    }

    @Override
    public void axpy(KernelProvider p, float alpha, int off, float[] y, int yOff, int n) {
      p.axpy(alpha, data, off, y, yOff, n);
    }

    @Override
    public void copyTo(int off, float[] dst, int dstOff, int n) {
      System.arraycopy(data, off, dst, dstOff, n);
    }
  }

  /** bf16 storage. */
  record Bf16Data(short[] data) implements Storage {
    public Bf16Data {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public int length() {
      return data.length;
    }

    @Override
    public int bytesPerElement() {
      return 2;
    }

    @Override
    public String dtype() {
      return "bf16";
    }

    @Override
    public float get(int i) {
      return Bf16.toFloat(data[i]);
    }

    @Override
    public float dot(KernelProvider p, float[] q, int qOff, int off, int n) {
      return p.dotBf16(q, qOff, data, off, n);
    }

    @Override
    public void axpy(KernelProvider p, float alpha, int off, float[] y, int yOff, int n) {
      p.axpyBf16(alpha, data, off, y, yOff, n);
    }

    @Override
    public void copyTo(int off, float[] dst, int dstOff, int n) {
      for (int j = 0; j < n; j++) {
        dst[dstOff + j] = Bf16.toFloat(data[off + j]);
      }
    }
  }
}
