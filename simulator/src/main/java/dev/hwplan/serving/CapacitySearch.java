package dev.hwplan.serving;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepTimeTable;
import dev.hwplan.sweep.IndexedTasks;
import dev.hwplan.sweep.LocalSweepExecutor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Capacity under latency objectives, by simulation: the highest rate one deployment sustains
 * ({@link #findMaxQps}) and the cheapest deployment that sustains a rate ({@link #findMinGpus}). A
 * run passes when every request completed and the p99 TTFT and p99 TPOT are within the objectives
 * given; runs stop early once more than 1% of the requests missed one (the p99 can no longer be
 * met), which makes failing runs cheap.
 */
public final class CapacitySearch {
  private CapacitySearch() {}

  /** p99 objectives in seconds; NaN or 0 where not given. */
  public record Objective(double ttftP99Seconds, double tpotP99Seconds) {
    public Objective {
      if (!(ttftP99Seconds > 0) && !(tpotP99Seconds > 0)) {
        throw InvalidInputException.option(
            "--slo-ttft", "a capacity search needs an objective: --slo-ttft and/or --slo-tpot");
      }
    }

    /** Why {@code r} misses the objectives, or null when it meets them. */
    public String failure(ServingResult r) {
      if (r.stoppedEarly() != null) {
        return r.stoppedEarly() + " over the objective (stopped after 1% of requests missed it)";
      }
      if (ttftP99Seconds > 0 && r.ttftSeconds().p99() > ttftP99Seconds) {
        return String.format(
            Locale.ROOT, "TTFT p99 %.3f s > %.3f s", r.ttftSeconds().p99(), ttftP99Seconds);
      }
      if (tpotP99Seconds > 0 && r.tpotSeconds().p99() > tpotP99Seconds) {
        return String.format(
            Locale.ROOT, "TPOT p99 %.4f s > %.4f s", r.tpotSeconds().p99(), tpotP99Seconds);
      }
      return null;
    }
  }

  /**
   * The highest sustained rate: the median over seeds of each seed's bisection, with the lowest and
   * highest as the run-to-run spread.
   *
   * @param perSeed each seed's highest passing rate (0 where even the lowest rate tried fails)
   * @param atMax the run of the seed whose own answer is nearest {@code qps}, at that answer (for
   *     an odd number of seeds, the median seed at {@code qps}), or null when {@code qps} is 0
   * @param atMaxSeed the seed of that run
   * @param atMaxQps the rate of that run
   * @param reason why the lowest rate failed, when {@code qps} is 0
   */
  public record MaxQps(
      double qps,
      double low,
      double high,
      List<Double> perSeed,
      int runs,
      ServingResult atMax,
      long atMaxSeed,
      double atMaxQps,
      String reason) {}

  /**
   * How many times the requests in flight a run must hold to stand for steady state. The ramp-up
   * (the batch still growing) lasts about one end-to-end latency, the arrivals of about the
   * requests in flight; a run of fewer than this many times them is mostly ramp-up, and an
   * overloaded deployment can pass its objectives before its queue builds. Chosen on one example
   * ({@link #shortRunNote}): there the answer settled once a run held about 4.5 times the requests
   * in flight, so a multiple of 4 marks the runs that had not.
   */
  static final int STEADY_RUN_MULTIPLE = 4;

  /** {@code notes}, then {@link #shortRunNote} of {@code r} (null: none) where it has one. */
  public static List<String> withShortRunNote(List<String> notes, ServingResult r, double qps) {
    String note = r == null ? null : shortRunNote(r, qps);
    if (note == null) {
      return notes;
    }
    List<String> out = new ArrayList<>(notes);
    out.add(note);
    return out;
  }

  /**
   * A note where the run {@code r} at {@code qps} requests/s is too short to show steady state: it
   * holds fewer than {@link #STEADY_RUN_MULTIPLE} times the requests in flight, {@code qps x} the
   * mean end-to-end latency (Little's law); null otherwise. For example Llama-3.1-8B on an H100 at
   * 1,024 + 256 tokens: runs of 200 requests passed p99 objectives of 0.5 s TTFT and 50 ms TPOT up
   * to 35 req/s, with about 256 in flight, where runs of 1,000, 1,500 and 3,000 requests find 21.25
   * req/s, with about 224 in flight.
   */
  public static String shortRunNote(ServingResult r, double qps) {
    // the offered rate of requests: conversations start at qps, and each brings its turns, so the
    // run's own requests over its arrivals' span stand in where a conversation has several
    double rate = Math.max(qps, r.durationSeconds() > 0 ? r.requests() / r.durationSeconds() : 0);
    double inFlight = rate * r.e2eSeconds().mean();
    if (!(rate > 0) || r.requests() >= STEADY_RUN_MULTIPLE * inFlight) {
      return null;
    }
    long enough = (long) Math.ceil(STEADY_RUN_MULTIPLE * inFlight / 100) * 100;
    return String.format(
        Locale.ROOT,
        "a run of %,d requests at %.2f req/s holds about %.0f in flight (the rate times the mean"
            + " e2e latency): mostly ramp-up, so the capacity may be overstated; give --requests"
            + " %,d or more",
        r.requests(),
        rate,
        inFlight,
        enough);
  }

  /** Lowest and highest rates a bisection tries, and its relative precision. */
  static final double MIN_QPS = 1.0 / 64;

  static final double MAX_QPS = 1 << 14;
  static final double PRECISION = 0.02;

  /**
   * Bisects the open-loop rate of {@code workload} on {@code plan} for each of {@code seeds} seeds
   * (the workload's seed, +1, +2, ...): doubling from 1 req/s until a run fails, then halving the
   * interval to {@link #PRECISION}.
   */
  public static MaxQps findMaxQps(
      ServingPlan plan, StepTimeTable table, Workload workload, Objective o, int seeds) {
    return QpsBisection.find(plan, table, workload, o, seeds);
  }

  /**
   * One deployment the search tried.
   *
   * @param ep expert-parallel ranks of a replica (each a TP x PP group; 1 without EP)
   * @param expertsOnTp whether the routed experts are sharded over the TP ranks ({@link
   *     dev.hwplan.parallel.Parallelism#expertsOnTp})
   * @param replicas 0 for a layout that does not fit (no replica count was tried)
   * @param dollarsPerHour GPUs times the price, or null without prices
   * @param reason why it was rejected, or null when it meets the objectives
   * @param notes the deployment's notes ({@link ServingPlan#notes}: what its times rest on), empty
   *     for a layout that does not fit
   */
  public record Candidate(
      String gpu,
      int tp,
      int pp,
      int ep,
      boolean expertsOnTp,
      String weightsDtype,
      String kvDtype,
      int replicas,
      int gpus,
      Double dollarsPerHour,
      boolean meetsSlo,
      String reason,
      Double ttftP99Seconds,
      Double tpotP99Seconds,
      Double outputTokensPerSecond,
      Double dollarsPerMillionOutputTokens,
      Integer prefillReplicas,
      Integer decodeReplicas,
      List<String> notes)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public Candidate {
      notes = List.copyOf(notes);
    }
  }

  /**
   * The search's answer.
   *
   * @param best the candidate with the fewest GPUs (the lowest cost per hour with prices; ties
   *     broken by cost, then GPUs, then p99 TTFT), or null when none meets the objectives
   * @param searched every candidate tried, in the order tried
   */
  public record MinGpus(Candidate best, List<Candidate> searched, int runs) {}

  /** A layout to try: the step config on one GPU type, and that GPU's price per hour (or null). */
  public record Layout(StepConfig step, GpuProfile gpu, Double pricePerGpuHour) {}

  /**
   * For each layout, the fewest replicas that meet the objectives at the workload's rate: doubling
   * the replicas from 1 until a run passes (or {@code maxGpus} would be exceeded), then bisecting
   * between the last failure and the first pass. Layouts that do not fit (no KV blocks, a request
   * longer than the cache) are listed once, rejected. With {@code disaggregated}, each layout
   * serves as both a prefill and a decode pool and the search is over the split ({@link
   * SplitSearch}). The layouts are independent tasks ({@link #searchLayout}), run on {@code
   * executor}'s threads (a sequential one times a candidate alone); the answer is the same in any
   * order.
   */
  public static MinGpus findMinGpus(
      List<Layout> layouts,
      ServingPlan.Settings settings,
      Workload workload,
      Objective o,
      int maxGpus,
      boolean disaggregated,
      LocalSweepExecutor executor,
      Progress progress) {
    progress.at(0, layouts.size());
    IndexedTasks<LayoutSearch> tasks =
        IndexedTasks.of(
            layouts.size(),
            i -> searchLayout(layouts.get(i), settings, workload, o, maxGpus, disaggregated));
    return combine(executor.run(tasks, progress::at));
  }

  /**
   * What the search of one layout tried: its candidates in the order tried, and the simulations
   * run. One task of a capacity search; it can travel to another JVM.
   */
  public record LayoutSearch(List<Candidate> candidates, int runs) implements Serializable {
    private static final long serialVersionUID = 1L;

    public LayoutSearch {
      candidates = List.copyOf(candidates);
    }
  }

  /**
   * The search of one layout: the fewest replicas (of at most {@code maxGpus} GPUs in all) that
   * meet the objectives, by doubling and then bisecting (with {@code disaggregated}, over the
   * prefill/decode splits); or the layout rejected with its reason. Deterministic: the workload's
   * seed fixes every run.
   */
  public static LayoutSearch searchLayout(
      Layout l,
      ServingPlan.Settings settings,
      Workload workload,
      Objective o,
      int maxGpus,
      boolean disaggregated) {
    List<Candidate> out = new ArrayList<>();
    int[] runs = {0};
    StepConfig c = l.step();
    int perReplica = c.parallelism().gpus();
    ServingPlan plan;
    try {
      plan = ServingPlan.of(c, l.gpu(), 1, settings);
      plan.checkLengths(workload);
    } catch (InvalidInputException e) {
      out.add(rejected(l, 0, "does not fit: " + e.reason()));
      return new LayoutSearch(out, runs[0]);
    }
    StepTimeTable table;
    try {
      table = plan.stepModel().table();
      table.seconds(dev.hwplan.step.StepComposition.decode(1, 1));
    } catch (InvalidInputException e) {
      out.add(rejected(l, 0, e.reason()));
      return new LayoutSearch(out, runs[0]);
    }
    IterationTimer timer = IterationTimer.of(table);
    if (disaggregated) {
      ServingPlan prefill;
      try {
        prefill = ServingPlan.of(c, l.gpu(), 1, settings.withSpeculative(null));
      } catch (InvalidInputException e) {
        out.add(rejected(l, 0, "does not fit: " + e.reason()));
        return new LayoutSearch(out, runs[0]);
      }
      SplitSearch.search(l, plan, prefill, timer, workload, o, maxGpus, runs, out);
      return new LayoutSearch(out, runs[0]);
    }
    int lastFail = 0;
    int pass = 0;
    int r = 1;
    while (r * perReplica <= maxGpus) {
      Candidate cand;
      try {
        cand = evaluate(l, plan, timer, r, workload, o, runs);
      } catch (InvalidInputException e) {
        out.add(rejected(l, 0, e.reason()));
        break;
      }
      out.add(cand);
      if (cand.meetsSlo()) {
        pass = r;
        break;
      }
      lastFail = r;
      r *= 2;
    }
    if (pass == 0) {
      return new LayoutSearch(out, runs[0]);
    }
    while (pass - lastFail > 1) {
      int mid = (pass + lastFail) / 2;
      Candidate cand = evaluate(l, plan, timer, mid, workload, o, runs);
      out.add(cand);
      if (cand.meetsSlo()) {
        pass = mid;
      } else {
        lastFail = mid;
      }
    }
    return new LayoutSearch(out, runs[0]);
  }

  /**
   * The answer from every layout's search, in layout order: the candidates as tried, layout after
   * layout, and the best of them.
   */
  public static MinGpus combine(List<LayoutSearch> perLayout) {
    List<Candidate> out = new ArrayList<>();
    int runs = 0;
    for (LayoutSearch s : perLayout) {
      out.addAll(s.candidates());
      runs += s.runs();
    }
    Comparator<Candidate> order =
        Comparator.comparingDouble(
                (Candidate k) -> k.dollarsPerHour() == null ? k.gpus() : k.dollarsPerHour())
            .thenComparingInt(Candidate::gpus)
            .thenComparingDouble(k -> k.ttftP99Seconds() == null ? 0 : k.ttftP99Seconds());
    Candidate best = out.stream().filter(Candidate::meetsSlo).min(order).orElse(null);
    return new MinGpus(best, out, runs);
  }

  /** Told how many layouts are searched, of how many; may be called from several threads. */
  @FunctionalInterface
  public interface Progress {
    void at(int done, int total);
  }

  private static Candidate evaluate(
      Layout l,
      ServingPlan one,
      IterationTimer timer,
      int replicas,
      Workload w,
      Objective o,
      int[] runs) {
    return run(l, one.withReplicas(replicas), timer, w, o, runs, null, null);
  }

  static Candidate run(
      Layout l,
      ServingPlan plan,
      IterationTimer timer,
      Workload w,
      Objective o,
      int[] runs,
      Integer prefillReplicas,
      Integer decodeReplicas) {
    runs[0]++;
    int replicas =
        plan.replicas() + (plan.prefill() == null ? 0 : plan.prefill().plan().replicas());
    ServingResult r =
        ServingSimulator.run(plan.spec(w, o.ttftP99Seconds(), o.tpotP99Seconds(), true), timer);
    String failure = o.failure(r);
    List<String> notes =
        failure == null ? withShortRunNote(plan.notes(), r, w.qps()) : plan.notes();
    return candidate(l, replicas, plan.gpus(), failure, r, prefillReplicas, decodeReplicas, notes);
  }

  private static Candidate rejected(Layout l, int replicas, String reason) {
    return candidate(
        l, replicas, l.step().parallelism().gpus(), reason, null, null, null, List.of());
  }

  /** A candidate of layout {@code l}; {@code r} is its run, null when none ran (rejected). */
  private static Candidate candidate(
      Layout l,
      int replicas,
      int gpus,
      String failure,
      ServingResult r,
      Integer prefillReplicas,
      Integer decodeReplicas,
      List<String> notes) {
    Double cost = l.pricePerGpuHour() == null ? null : gpus * l.pricePerGpuHour();
    boolean ran = r != null && r.stoppedEarly() == null;
    Double perMillion =
        cost == null || !ran || r.outputTokensPerSecond() <= 0
            ? null
            : cost / (r.outputTokensPerSecond() * 3600) * 1e6;
    return new Candidate(
        l.gpu().id(),
        l.step().parallelism().tp(),
        l.step().parallelism().pp(),
        l.step().parallelism().ep(),
        l.step().parallelism().expertsOnTp(),
        l.step().weights().key(),
        l.step().kv().key(),
        replicas,
        gpus,
        cost,
        r != null && failure == null,
        failure,
        ran ? r.ttftSeconds().p99() : null,
        ran ? r.tpotSeconds().p99() : null,
        ran ? r.outputTokensPerSecond() : null,
        perMillion,
        prefillReplicas,
        decodeReplicas,
        notes);
  }
}
