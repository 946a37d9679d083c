package dev.hwplan.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * The discrete-event, iteration-level serving simulation: requests arrive from a {@link Workload},
 * are routed to a replica, and each replica runs iterations back to back while it has work, each
 * timed by the {@link IterationTimer} for its composition plus the engine overhead. Events are
 * arrivals and iteration ends, taken in time order (an arrival before an iteration end at the same
 * instant); an idle replica starts once every event at the current instant has been applied, so
 * requests that arrive together are scheduled together. Deterministic: the same inputs and seed
 * give the same result, bit for bit. The loop allocates nothing once its arrays have grown to the
 * requests in flight.
 */
public final class ServingSimulator {
  /** What to run. */
  public record Spec(
      EngineConfig engine,
      int replicas,
      Routing routing,
      Workload workload,
      long modelContext,
      double sloTtftSeconds,
      double sloTpotSeconds,
      boolean stopWhenSloLost) {
    public Spec {
      if (replicas <= 0) {
        throw dev.hwplan.io.InvalidInputException.option(
            "--replicas", "must be positive, got " + replicas);
      }
    }

    public Spec withWorkload(Workload w) {
      return new Spec(
          engine,
          replicas,
          routing,
          w,
          modelContext,
          sloTtftSeconds,
          sloTpotSeconds,
          stopWhenSloLost);
    }

    public Spec withReplicas(int r) {
      return new Spec(
          engine,
          r,
          routing,
          workload,
          modelContext,
          sloTtftSeconds,
          sloTpotSeconds,
          stopWhenSloLost);
    }

    public Spec stoppingWhenSloLost(boolean stop) {
      return new Spec(
          engine, replicas, routing, workload, modelContext, sloTtftSeconds, sloTpotSeconds, stop);
    }
  }

  /** Called when a request completes (tests check conservation through it). */
  @FunctionalInterface
  interface Completions {
    void completed(RequestTable req, int slot, double now);
  }

  private ServingSimulator() {}

  /** Runs {@code spec} with iteration times from {@code timer}. */
  public static ServingResult run(Spec spec, IterationTimer timer) {
    return run(spec, timer, (req, slot, now) -> {}).result();
  }

  /** The end state of a run, for tests: the result and the replicas as they were left. */
  record Run(ServingResult result, List<Replica> replicas, RequestTable requests) {}

  static Run run(Spec spec, IterationTimer timer, Completions listener) {
    EngineConfig e = spec.engine();
    Workload w = spec.workload();
    Workload.Limits limits = new Workload.Limits(spec.modelContext(), e.maxRequestTokens());
    RequestSource src = w.open(limits);
    long total = w.arrival() == Workload.Arrival.TRACE ? -1 : w.requests();
    double sloT = spec.sloTtftSeconds() > 0 ? spec.sloTtftSeconds() : Double.NaN;
    double sloP = spec.sloTpotSeconds() > 0 ? spec.sloTpotSeconds() : Double.NaN;
    long allowed =
        spec.stopWhenSloLost() && total > 0 && (sloT == sloT || sloP == sloP)
            ? (long) Math.floor(0.01 * total)
            : -1;
    Recorder rec = new Recorder(spec.replicas(), sloT, sloP, allowed);
    RequestTable req = new RequestTable();
    Replica[] reps = new Replica[spec.replicas()];
    for (int i = 0; i < reps.length; i++) {
      reps[i] = new Replica(i, req, timer, e, rec);
    }
    LongIntMap affinity = new LongIntMap();
    boolean[] kick = new boolean[reps.length];
    boolean kicked = false;
    int nextRobin = 0;
    double now = 0;
    String stopped = null;
    while (true) {
      double ta = src.peek();
      Replica next = null;
      double te = Double.POSITIVE_INFINITY;
      for (Replica r : reps) {
        if (r.busy && r.iterationEnd < te) {
          te = r.iterationEnd;
          next = r;
        }
      }
      if (kicked && !(Math.min(ta, te) <= now)) {
        for (int i = 0; i < reps.length; i++) {
          if (kick[i] && !reps[i].busy) {
            reps[i].start(now);
          }
          kick[i] = false;
        }
        kicked = false;
        continue;
      }
      if (ta == Double.POSITIVE_INFINITY && next == null) {
        if (req.inFlight() > 0) {
          throw new IllegalStateException(
              req.inFlight() + " requests in flight but no replica can run an iteration");
        }
        break;
      }
      if (ta <= te) {
        now = ta;
        int s = src.take(req);
        rec.arrived(now);
        Replica r = route(reps, spec.routing(), nextRobin, req, s, affinity);
        nextRobin = (r.index + 1) % reps.length;
        r.enqueue(s);
        if (!r.busy) {
          kick[r.index] = true;
          kicked = true;
        }
      } else {
        now = te;
        next.finish(now);
        for (int i = 0; i < next.doneCount; i++) {
          int s = next.done[i];
          rec.complete(req, s, now);
          listener.completed(req, s, now);
          if ((req.flags[s] & RequestTable.CONVERSATION) != 0 && req.turnsLeft[s] == 0) {
            affinity.remove(req.stream[s]); // the conversation is over
          }
          src.completed(req, s, now);
          req.release(s);
        }
        if (rec.hopeless()) {
          stopped = rec.hopelessReason();
          break;
        }
        kick[next.index] = true;
        kicked = true;
      }
    }
    long preemptions = 0;
    long queried = 0;
    long hits = 0;
    for (Replica r : reps) {
      preemptions += r.preemptions;
      queried += r.cacheQueries;
      hits += r.cacheHits;
    }
    Double hitRate = e.prefixCaching() ? (queried == 0 ? 0.0 : hits / (double) queried) : null;
    ServingResult result = result(rec, src.issued(), preemptions, stopped, hitRate, hits);
    return new Run(result, List.of(reps), req);
  }

  private static Replica route(
      Replica[] reps,
      Routing routing,
      int nextRobin,
      RequestTable req,
      int s,
      LongIntMap affinity) {
    if (routing == Routing.ROUND_ROBIN || reps.length == 1) {
      return reps[nextRobin];
    }
    Replica best = reps[0];
    Replica busiest = reps[0];
    for (int i = 1; i < reps.length; i++) {
      if (reps[i].outstanding < best.outstanding) {
        best = reps[i];
      }
      if (reps[i].outstanding > busiest.outstanding) {
        busiest = reps[i];
      }
    }
    if (routing == Routing.LEAST_OUTSTANDING) {
      return best;
    }
    long key =
        (req.flags[s] & RequestTable.CONVERSATION) != 0
            ? req.stream[s]
            : req.sharedStream[s] > 0 ? req.sharedStream[s] : 0;
    if (key == 0) {
      return best;
    }
    int at = affinity.get(key, -1);
    boolean imbalanced =
        busiest.outstanding - best.outstanding > Routing.BALANCE_ABS_THRESHOLD
            && busiest.outstanding > Routing.BALANCE_REL_THRESHOLD * best.outstanding;
    Replica r = at < 0 || imbalanced ? best : reps[at];
    if (r.index != at) {
      affinity.put(key, r.index);
    }
    return r;
  }

  private static ServingResult result(
      Recorder r, long issued, long preemptions, String stopped, Double hitRate, long hits) {
    double start = Double.isNaN(r.firstArrival) ? 0 : r.firstArrival;
    double duration = r.lastCompletion - start;
    double per = duration > 0 ? 1 / duration : 0;
    boolean slo = r.sloGiven();
    return new ServingResult(
        issued,
        r.completed,
        r.promptTokens,
        r.outputTokens,
        duration,
        r.completed * per,
        r.outputTokens * per,
        (r.promptTokens + r.outputTokens) * per,
        slo ? r.good * per : null,
        slo ? (r.completed == 0 ? 0 : r.good / (double) r.completed) : null,
        percentiles(r.ttft, r.ttftSum, r.ttft.getTotalCount()),
        percentiles(r.tpot, r.tpotSum, r.tpotCount),
        percentiles(r.itl, r.itlSum, r.itlCount),
        percentiles(r.e2e, r.e2eSum, r.e2e.getTotalCount()),
        percentiles(r.queue, r.queueSum, r.queue.getTotalCount()),
        preemptions,
        r.iterations,
        r.iterations == 0 ? 0 : r.batchedSequences / (double) r.iterations,
        r.timelines.length == 0 ? new ArrayList<>() : r.timelines[0].points(),
        stopped,
        hitRate,
        hits);
  }

  private static ServingResult.Percentiles percentiles(
      org.HdrHistogram.Histogram h, double sum, long count) {
    if (count == 0) {
      return new ServingResult.Percentiles(0, 0, 0, 0);
    }
    return new ServingResult.Percentiles(
        sum / count,
        h.getValueAtPercentile(50) / 1e9,
        h.getValueAtPercentile(90) / 1e9,
        h.getValueAtPercentile(99) / 1e9);
  }
}
