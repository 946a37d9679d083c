package dev.hwplan.kernels;

import java.util.Map;
import java.util.Objects;

/**
 * One kernel at one shape, ready to run on prepared inputs: what the measured mode, the calibration
 * and the benchmarks time. It carries the work it does, so that rates and roofline predictions can
 * be computed from it.
 *
 * @param kernel the kernel's name, e.g. {@code decodeAttention}, {@code gemm}
 * @param dtype storage of the large operand: {@code fp32} or {@code bf16}
 * @param shape the shape's parameters by name, in a stable order
 * @param flops FLOP of one call
 * @param bytes bytes one call must move from memory at least (each input and output once)
 * @param workingSetBytes bytes one call touches: where it exceeds the LLC, repeated calls stream
 *     from DRAM
 * @param computeClass which compute ceiling bounds it: {@code matrix} (register-blocked GEMM),
 *     {@code attention} (decode attention with blocked keys), {@code attentionTokenMajor} (with
 *     token-major keys), {@code mla} (absorbed MLA) or {@code vector} (GEMV, RMSNorm: streaming dot
 *     products and element-wise work)
 * @param call runs the kernel once
 */
public record KernelCase(
    String kernel,
    String dtype,
    Map<String, Integer> shape,
    double flops,
    double bytes,
    double workingSetBytes,
    String computeClass,
    Runnable call) {
  public KernelCase {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(dtype, "dtype");
    shape = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(shape));
    Objects.requireNonNull(computeClass, "computeClass");
    Objects.requireNonNull(call, "call");
  }

  /** A short label, e.g. {@code decodeAttention fp32 batch=1 heads=32 ...}. */
  public String label() {
    StringBuilder sb = new StringBuilder(kernel).append(' ').append(dtype);
    shape.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  /** FLOP per byte moved. */
  public double arithmeticIntensity() {
    return bytes == 0 ? Double.POSITIVE_INFINITY : flops / bytes;
  }
}
