package dev.hwplan.serving;

/**
 * The ranks of expert-parallel replicas, run in lockstep: every rank is an engine of its own (its
 * scheduler, its KV cache, its share of the requests), and the MoE layers' all-to-all joins them in
 * every forward pass, so a replica's ranks start their iterations together and end them together,
 * at the slowest rank's end (vLLM's data-parallel deployment with expert parallelism: ranks without
 * requests run dummy batches to keep the collectives matched). A rank given work while its replica
 * is in an iteration waits for the next one.
 */
final class Lockstep {
  private final Replica[] engines;

  /** The first engine of each engine's replica. */
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

  /** Ends the iterations that ranks of one replica began at {@code now} together, at the last. */
  void align(double now) {
    for (int i = 0; i < engines.length; i += ranks[i]) {
      if (ranks[i] == 1) {
        continue;
      }
      double end = Double.NEGATIVE_INFINITY;
      int started = 0;
      for (int j = i; j < i + ranks[i]; j++) {
        Replica r = engines[j];
        if (r.busy && r.iterationStart == now) {
          end = Math.max(end, r.iterationEnd);
          started++;
        }
      }
      if (started > 1) {
        for (int j = i; j < i + ranks[i]; j++) {
          Replica r = engines[j];
          if (r.busy && r.iterationStart == now) {
            r.iterationEnd = end;
          }
        }
      }
    }
  }
}
