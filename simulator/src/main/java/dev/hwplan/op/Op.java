package dev.hwplan.op;

import dev.hwplan.hardware.DType;

/**
 * One operator of a step: what it computes and moves, and its shape.
 *
 * @param name what it is in the model, e.g. {@code qkv_proj}
 * @param dtype the arithmetic type (the matrix rate it runs at)
 * @param flops FLOPs of one execution (a multiply-add is 2)
 * @param bytesRead device-memory bytes read by one execution
 * @param bytesWritten device-memory bytes written by one execution
 * @param count executions in the step (for example once per layer on this GPU)
 */
public record Op(
    String name,
    OpKind kind,
    DType dtype,
    double flops,
    double bytesRead,
    double bytesWritten,
    int count,
    OpShape shape) {
  public Op {
    if (count < 0 || flops < 0 || bytesRead < 0 || bytesWritten < 0) {
      throw new IllegalArgumentException("negative work in op " + name);
    }
  }

  public double bytes() {
    return bytesRead + bytesWritten;
  }

  /** FLOPs per byte moved. */
  public double arithmeticIntensity() {
    double b = bytes();
    return b == 0 ? 0 : flops / b;
  }

  /** The same op executed {@code n} times in a step. */
  public Op times(int n) {
    return new Op(name, kind, dtype, flops, bytesRead, bytesWritten, n, shape);
  }
}
