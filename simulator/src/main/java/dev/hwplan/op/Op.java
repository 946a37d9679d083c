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

  /**
   * Equal values, as a record compares them (doubles by their bits), the shape last: ops are the
   * keys of the step models' and op-time models' memos, where this is the hot path.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Op p
        && count == p.count
        && kind == p.kind
        && dtype == p.dtype
        && Double.doubleToLongBits(flops) == Double.doubleToLongBits(p.flops)
        && Double.doubleToLongBits(bytesRead) == Double.doubleToLongBits(p.bytesRead)
        && Double.doubleToLongBits(bytesWritten) == Double.doubleToLongBits(p.bytesWritten)
        && name.equals(p.name)
        && (shape == p.shape || shape.equals(p.shape));
  }

  /**
   * A hash of the name, kind, type, work and count (the shape, which follows from them in nearly
   * every op, is left out: it agrees with {@link #equals} and costs no record hash of the shape).
   */
  @Override
  public int hashCode() {
    int h = name.hashCode();
    h = 31 * h + kind.ordinal();
    h = 31 * h + dtype.ordinal();
    h = 31 * h + Double.hashCode(flops);
    h = 31 * h + Double.hashCode(bytesRead);
    h = 31 * h + Double.hashCode(bytesWritten);
    return 31 * h + count;
  }

  /** The same op executed {@code n} times in a step. */
  public Op times(int n) {
    return new Op(name, kind, dtype, flops, bytesRead, bytesWritten, n, shape);
  }
}
