package dev.hwplan.op;

import java.util.List;

/**
 * The ops of one step on one GPU (one TP rank; with PP, every stage in turn), each with the number
 * of times it runs.
 */
public record OpGraph(List<Op> ops) {
  public OpGraph {
    ops = List.copyOf(ops);
  }

  /** FLOPs of the whole step. */
  public double flops() {
    double f = 0;
    for (Op op : ops) {
      f += op.flops() * op.count();
    }
    return f;
  }

  /** Device-memory bytes of the whole step (transfers excluded). */
  public double bytes() {
    double b = 0;
    for (Op op : ops) {
      if (!(op.shape() instanceof OpShape.Comm)) {
        b += op.bytes() * op.count();
      }
    }
    return b;
  }
}
