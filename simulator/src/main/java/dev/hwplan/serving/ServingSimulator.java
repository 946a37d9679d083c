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
  /** What to run; {@code disaggregation} null: prefill and decode colocated. */
  public record Spec(
      EngineConfig engine,
      int replicas,
      Routing routing,
      Workload workload,
      long modelContext,
      double sloTtftSeconds,
      double sloTpotSeconds,
      boolean stopWhenSloLost,
      Disaggregation disaggregation) {
    public Spec {
      positive(replicas, "--replicas");
    }

    public Spec withWorkload(Workload w) {
      return with(w, replicas, stopWhenSloLost);
    }

    public Spec withReplicas(int r) {
      return with(workload, r, stopWhenSloLost);
    }

    public Spec stoppingWhenSloLost(boolean stop) {
      return with(workload, replicas, stop);
    }

    private Spec with(Workload w, int r, boolean stop) {
      return new Spec(
          engine,
          r,
          routing,
          w,
          modelContext,
          sloTtftSeconds,
          sloTpotSeconds,
          stop,
          disaggregation);
    }
  }

  /**
   * Prefill/decode disaggregation (DistServe, Zhong et al., OSDI 2024; Splitwise, Patel et al.,
   * ISCA 2024): {@code prefillReplicas} replicas run {@code prefillEngine} and only prefill; a
   * request's first token comes from its prefill replica (TTFT ends there), its KV cache then
   * crosses the link to a decode replica (the spec's {@code replicas}, least outstanding first),
   * which admits it with its prompt computed and decodes it. Each prefill replica sends one cache
   * at a time, at {@code linkBytesPerSecond} per GPU (every GPU of the replica sends its shard over
   * its own link, so a transfer takes one GPU's bytes over one GPU's bandwidth); the prefill
   * replica's blocks are freed when the prefill ends (the copy is assumed to leave from a staging
   * buffer), and the decode replica allocates them when it admits the request.
   *
   * @param prefillTimer the prefill replicas' iteration times, or null for the decode replicas'
   * @param kvBytesPerTokenPerGpu the KV bytes a token that each GPU sends
   * @param linkBytesPerSecond each GPU's link, per direction (+infinity: free)
   */
  public record Disaggregation(
      int prefillReplicas,
      EngineConfig prefillEngine,
      IterationTimer prefillTimer,
      long kvBytesPerTokenPerGpu,
      double linkBytesPerSecond) {
    public Disaggregation {
      positive(prefillReplicas, "--prefill-replicas");
      if (!(linkBytesPerSecond > 0)) {
        throw dev.hwplan.io.InvalidInputException.option(
            "--kv-link", "must be a positive bandwidth, got " + linkBytesPerSecond);
      }
    }

    /**
     * Seconds to send {@code tokens} tokens of KV over one GPU's link. With sliding-window layers
     * only the blocks the prefill replica holds go: {@link KvFootprint#bytes} of the blocks.
     */
    double transferSeconds(long tokens) {
      KvFootprint f = prefillEngine.footprint();
      if (f != null) {
        int bs = prefillEngine.blockSize();
        return f.bytes((tokens + bs - 1) / bs) / linkBytesPerSecond;
      }
      return tokens * (double) kvBytesPerTokenPerGpu / linkBytesPerSecond;
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
    Disaggregation d = spec.disaggregation();
    Workload.Limits limits =
        new Workload.Limits(
            spec.modelContext(),
            d == null
                ? e.maxRequestTokens()
                : Math.min(e.maxRequestTokens(), d.prefillEngine().maxRequestTokens()));
    RequestSource src = w.open(limits);
    long total = w.arrival() == Workload.Arrival.TRACE ? -1 : w.requests();
    double sloT = spec.sloTtftSeconds() > 0 ? spec.sloTtftSeconds() : Double.NaN;
    double sloP = spec.sloTpotSeconds() > 0 ? spec.sloTpotSeconds() : Double.NaN;
    long allowed =
        spec.stopWhenSloLost() && total > 0 && (sloT == sloT || sloP == sloP)
            ? (long) Math.floor(0.01 * total)
            : -1;
    // a replica runs engine.engines() engines: micro-batch m's rank j is engine m * ranks + j, so
    // the ranks of a micro-batch, in lockstep, are contiguous
    int pool = d == null ? 0 : d.prefillReplicas() * d.prefillEngine().engines();
    int engines = pool + spec.replicas() * e.engines();
    Recorder rec = new Recorder(engines, sloT, sloP, allowed);
    RequestTable req = new RequestTable();
    Replica[] reps = new Replica[engines];
    int[] lead = new int[engines]; // the first engine of each engine's lockstep group
    Pipeline pipeline = null;
    for (int i = 0; i < reps.length; i++) {
      boolean prefill = i < pool;
      EngineConfig c = prefill ? d.prefillEngine() : e;
      int k = prefill ? i : i - pool; // engine within its pool
      lead[i] = i - k % c.ranks();
      if (k % c.engines() == 0) {
        pipeline = c.microBatches() > 1 ? new Pipeline(c.microBatches()) : null;
      }
      reps[i] =
          new Replica(
              i,
              req,
              prefill && d.prefillTimer() != null ? d.prefillTimer() : timer,
              c,
              rec,
              w.seed() * 0x9E3779B97F4A7C15L + i,
              prefill,
              pipeline);
    }
    Lockstep lockstep = Lockstep.of(reps, lead);
    // arrivals go to the prefill pool (all replicas when colocated), handoffs to the decode pool
    int arriveTo = pool == 0 ? reps.length : pool;
    EventHeap handoffs = new EventHeap();
    double[] linkFree = new double[pool];
    double transferSum = 0;
    long transfers = 0;
    LongIntMap affinity = new LongIntMap();
    boolean[] kick = new boolean[reps.length];
    boolean kicked = false;
    int nextRobin = 0;
    double now = 0;
    String stopped = null;
    while (true) {
      double ta = src.peek();
      double th = handoffs.peekTime();
      Replica next = null;
      double te = Double.POSITIVE_INFINITY;
      for (Replica r : reps) {
        if (r.busy && r.iterationEnd < te) {
          te = r.iterationEnd;
          next = r;
        }
      }
      if (kicked && !(Math.min(Math.min(ta, th), te) <= now)) {
        for (int i = 0; i < reps.length; i++) {
          if (kick[i] && !reps[i].busy) {
            if (lockstep != null && lockstep.running(i, now)) {
              continue; // joins its ranks at their next iteration
            }
            reps[i].start(now);
          }
          kick[i] = false;
        }
        if (lockstep != null) {
          lockstep.align(now);
        }
        kicked = false;
        continue;
      }
      if (ta == Double.POSITIVE_INFINITY && th == Double.POSITIVE_INFINITY && next == null) {
        if (req.inFlight() > 0) {
          throw new IllegalStateException(
              req.inFlight() + " requests in flight but no replica can run an iteration");
        }
        break;
      }
      if (ta <= te && ta <= th) {
        now = ta;
        int s = src.take(req);
        rec.arrived(now);
        Replica r = route(reps, 0, arriveTo, spec.routing(), nextRobin, req, s, affinity);
        nextRobin = (r.index + 1) % arriveTo;
        r.enqueue(s);
        if (!r.busy) {
          kick[r.index] = true;
          kicked = true;
        }
      } else if (th <= te) {
        now = th;
        int s = handoffs.pop();
        Replica r = route(reps, pool, reps.length, Routing.LEAST_OUTSTANDING, 0, req, s, affinity);
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
          if (req.generated[s] < req.output[s]) {
            // prefilled: its KV goes to the decode pool once the link is free
            req.computed[s] = req.prompt[s] + req.generated[s] - 1;
            int p = next.index;
            double end = Math.max(now, linkFree[p]) + d.transferSeconds(req.computed[s]);
            linkFree[p] = end;
            transferSum += end - now;
            transfers++;
            handoffs.push(end, s);
            continue;
          }
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
    long verifySteps = 0;
    long verifyTokens = 0;
    for (Replica r : reps) {
      preemptions += r.preemptions;
      queried += r.cacheQueries;
      hits += r.cacheHits;
      verifySteps += r.verifySteps;
      verifyTokens += r.verifyTokens;
    }
    Double perStep =
        e.speculation() == null
            ? null
            : verifySteps == 0 ? 0.0 : verifyTokens / (double) verifySteps;
    boolean caching = d == null ? e.prefixCaching() : d.prefillEngine().prefixCaching();
    Double hitRate = caching ? (queried == 0 ? 0.0 : hits / (double) queried) : null;
    Double transfer = d == null ? null : transfers == 0 ? 0.0 : transferSum / transfers;
    ServingResult result =
        result(rec, src.issued(), preemptions, stopped, hitRate, hits, perStep, transfer);
    return new Run(result, List.of(reps), req);
  }

  /** The replica of {@code reps[from, to)} that takes request {@code s}. */
  private static Replica route(
      Replica[] reps,
      int from,
      int to,
      Routing routing,
      int nextRobin,
      RequestTable req,
      int s,
      LongIntMap affinity) {
    if (routing == Routing.ROUND_ROBIN || to - from == 1) {
      return reps[from + nextRobin % (to - from)];
    }
    Replica best = reps[from];
    Replica busiest = reps[from];
    for (int i = from + 1; i < to; i++) {
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
      Recorder r,
      long issued,
      long preemptions,
      String stopped,
      Double hitRate,
      long hits,
      Double tokensPerVerifyStep,
      Double kvTransfer) {
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
        hits,
        tokensPerVerifyStep,
        kvTransfer);
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

  /** A replica count must be positive: else the option's one-line error. */
  private static void positive(int replicas, String option) {
    if (replicas <= 0) {
      throw dev.hwplan.io.InvalidInputException.option(option, "must be positive, got " + replicas);
    }
  }
}
