package dev.hwplan.training;

/**
 * A {@link Layout} held in mutable fields (the same fields, the same meanings), so that the search
 * can step through layouts and hand each one to the planner without allocating an object per
 * layout. The planner's allocation-free paths ({@link TrainingPlanner#evaluate(LayoutCursor,
 * boolean, double[])}, {@link StageMemory}, {@link LayoutValidity#code}) read it; {@link Layout} is
 * the immutable form the public API takes and returns.
 */
final class LayoutCursor {
  int tp;
  int pp;
  int dp;
  int cp;
  int ep;
  int vpp;
  boolean sp;
  int microBatch;
  int zero;
  Recompute recompute;
  boolean offload;

  /** Holds {@code l}'s values; returns this cursor. */
  LayoutCursor set(Layout l) {
    tp = l.tp();
    pp = l.pp();
    dp = l.dp();
    cp = l.cp();
    ep = l.ep();
    vpp = l.vpp();
    sp = l.sp();
    microBatch = l.microBatch();
    zero = l.zero();
    recompute = l.recompute();
    offload = l.offload();
    return this;
  }

  /** Holds {@code c}'s values (the search's kept top reuses its cursors). */
  void copy(LayoutCursor c) {
    tp = c.tp;
    pp = c.pp;
    dp = c.dp;
    cp = c.cp;
    ep = c.ep;
    vpp = c.vpp;
    sp = c.sp;
    microBatch = c.microBatch;
    zero = c.zero;
    recompute = c.recompute;
    offload = c.offload;
  }

  /** The immutable layout of the values held now. */
  Layout toLayout() {
    return new Layout(tp, pp, dp, cp, ep, vpp, sp, microBatch, zero, recompute, offload);
  }

  /** Whether sequence parallelism is on: asked for, and a TP group to split over. */
  boolean spOn() {
    return sp && tp > 1;
  }

  /** Micro-batches per step of {@code globalBatch} sequences: {@code globalBatch / (dp x mb)}. */
  long microBatches(long globalBatch) {
    return globalBatch / ((long) dp * microBatch);
  }

  /** The data-parallel group over which ZeRO shards and gradients are reduced: dp x cp. */
  int shardGroup() {
    return dp * cp;
  }
}
