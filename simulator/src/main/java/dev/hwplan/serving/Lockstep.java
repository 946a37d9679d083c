package dev.hwplan.serving;

/**
 * The ranks of expert-parallel replicas, run in lockstep: every rank is an engine of its own (its
 * scheduler, its KV cache, its share of the requests), and the MoE layers' all-to-all joins them in
 * every forward pass, so a replica's ranks start their iterations together and end them together,
 * at the slowest rank's end (vLLM's data-parallel deployment with expert parallelism: ranks without
 * requests run dummy batches to keep the collectives matched). A rank given work while its replica
 * is in an iteration waits for the next one. With micro-batched PP each micro-batch has its ranks,
 * a lockstep group of their own, and the groups share the replica's stages ({@link Pipeline}).
 */
final class Lockstep {
  private final Replica[] engines;

  /** The first engine of each engine's lockstep group (its replica's, or its micro-batch's). */
  private final int[] lead;

  private final int[] ranks;

  private Lockstep(Replica[] engines, int[] lead, int[] ranks) {
    this.engines = engines;
    this.lead = lead;
    this.ranks = ranks;
  }

  /**
   * The lockstep of {@code engines} whose replicas start at {@code lead[i]} and span their engine
   * config's ranks; null when no replica has more than one rank.
   */
  static Lockstep of(Replica[] engines, int[] lead) {
    int[] ranks = new int[engines.length];
    boolean any = false;
    for (int i = 0; i < engines.length; i++) {
      ranks[i] = engines[i].ranks();
      any |= ranks[i] > 1;
    }
    return any ? new Lockstep(engines, lead, ranks) : null;
  }

  /** Whether engine {@code i}'s replica is in an iteration that began before {@code now}. */
  boolean running(int i, double now) {
    if (ranks[i] == 1) {
      return false;
    }
    for (int j = lead[i], end = lead[i] + ranks[i]; j < end; j++) {
      Replica r = engines[j];
      if (r.busy && r.iterationStart < now) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the iterations that ranks of one group began at {@code now} together, at the last. With
   * micro-batched PP the group is one micro-batch's ranks: they enter the shared stages together,
   * for as long as the slowest rank's step ({@link Pipeline#end} only peeked for each).
   */
  void align(double now) {
    for (int i = 0; i < engines.length; i += ranks[i]) {
      if (ranks[i] == 1) {
        continue;
      }
      double end = Double.NEGATIVE_INFINITY;
      double step = 0;
      double transfer = 0;
      double ready = now;
      int started = 0;
      for (int j = i; j < i + ranks[i]; j++) {
        Replica r = engines[j];
        if (r.busy && r.iterationStart == now) {
          end = Math.max(end, r.iterationEnd);
          step = Math.max(step, r.stepSeconds);
          transfer = Math.max(transfer, r.transferSeconds);
          ready = now + r.cfg.engineOverheadSeconds();
          started++;
        }
      }
      Pipeline p = engines[i].pipeline;
      if (started == 0 || (started == 1 && p == null)) {
        continue;
      }
      if (p != null) {
        end = p.pass(ready, step) + transfer;
      }
      for (int j = i; j < i + ranks[i]; j++) {
        Replica r = engines[j];
        if (r.busy && r.iterationStart == now) {
          r.iterationEnd = end;
        }
      }
    }
  }
}
