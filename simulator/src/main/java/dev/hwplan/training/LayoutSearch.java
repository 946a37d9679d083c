package dev.hwplan.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Enumerates the layouts of a job on its GPUs (TP x CP x EP x PP x DP x virtual stages x
 * micro-batch x ZeRO stage x recompute), evaluates those that can run, and ranks those that fit by
 * step time or by cost ({@link Rank#COST}: GPU-seconds a step, step time x the GPUs the layout
 * uses; on exactly N GPUs both rank alike, up to N GPUs a smaller layout can be cheaper). A layout
 * that cannot run or does not fit is counted under its reason.
 *
 * <p>Sizes tried: TP the powers of two up to a node; CP powers of two up to 16; EP the powers of
 * two up to the experts (MoE models); PP every divisor of the rest up to the layers; VPP 1, 2, 4, 8
 * with PP > 1 (interleaved where the layers, or the layers with the embedding and the loss counted
 * as layers, divide into PP x VPP chunks: {@link PipelineSplit}; 8 reaches Llama 3 405B's one-layer
 * chunks, 128 = PP16 x 8); micro-batches 1, 2, 4, 8; sequence parallelism whenever TP > 1;
 * selective recompute only without FlashAttention (with it, selective equals none).
 *
 * <p>Speed: the per-layer costs are computed once per (TP, CP, micro-batch, EP) and reused, an
 * evaluation writes into one reused array, and only the kept top layouts become {@link
 * TrainingPlan}s. Pruning (on by default; the counts and the ranked top are the same as without): a
 * layout's memory is checked before its time is computed, and a fitting layout whose step-time
 * lower bound ({@code TrainingPlanner.stepLowerBound}) is above the slowest of the kept top is
 * counted as fitting but not timed.
 */
public final class LayoutSearch {
  private LayoutSearch() {}

  /** What to hold fixed (null: search it). */
  public record Constraints(
      Integer microBatch, Integer zero, Recompute recompute, Boolean offload, Integer maxTp) {
    public static Constraints none() {
      return new Constraints(null, null, null, null, null);
    }
  }

  /** What the top layouts are ranked by. */
  public enum Rank {
    /** Step time. */
    TIME,
    /** GPU-seconds a step: step time x GPUs used (the cost at any price per GPU-hour). */
    COST;

    /** Parses a {@code --rank} value, naming {@code flag} when it is unknown. */
    public static Rank parse(String s, String flag) {
      for (Rank r : values()) {
        if (r.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
          return r;
        }
      }
      throw dev.hwplan.io.InvalidInputException.option(
          flag, "must be time or cost, got '" + s + "'");
    }
  }

  /** Whether {@link #search} prunes with the fit check and the step-time bound (default on). */
  public static Result search(TrainingPlanner planner, Constraints c, int top, boolean prune) {
    return run(planner, c, top, prune, Rank.TIME);
  }

  /** {@link #search(TrainingPlanner, Constraints, int, boolean)} ranked by {@code rank}. */
  public static Result search(
      TrainingPlanner planner, Constraints c, int top, boolean prune, Rank rank) {
    return run(planner, c, top, prune, rank);
  }

  /**
   * The search's answer.
   *
   * @param evaluated layouts enumerated
   * @param valid layouts that can run (the rest are in {@code rejectedByReason})
   * @param fitting valid layouts whose memory fits
   * @param ranked fitting plans, fastest (or cheapest) first
   * @param rejectedByReason rejected layouts counted by reason
   * @param rejectedExamples one example per reason: the layout and the full reason
   */
  public record Result(
      long evaluated,
      long valid,
      long fitting,
      List<TrainingPlan> ranked,
      Map<String, Long> rejectedByReason,
      Map<String, String> rejectedExamples) {}

  private static final String DOES_NOT_FIT = "does not fit";

  /** Searches {@code planner}'s job, keeping the {@code top} fastest fitting plans. */
  public static Result search(TrainingPlanner planner, Constraints c, int top) {
    return run(planner, c, top, true, Rank.TIME);
  }

  private static Result run(
      TrainingPlanner planner, Constraints c, int top, boolean prune, Rank rank) {
    var job = planner.job();
    var m = job.model();
    int n = planner.gpus();
    int gpn = planner.cluster().gpusPerNode();
    int maxTp = c.maxTp() != null ? c.maxTp() : gpn;
    State st = new State(planner, c, top, prune, rank == Rank.COST);
    // data-parallel sizes: with exact GPUs, what the rest leaves; up to N GPUs, every divisor of
    // the global batch (the batch must split evenly over DP)
    List<Integer> batchDivisors = new ArrayList<>();
    for (long d = 1; d <= job.globalBatch() && d <= n; d++) {
      if (job.globalBatch() % d == 0) {
        batchDivisors.add((int) d);
      }
    }
    boolean atMost = planner.atMost();
    for (int tp = 1; tp <= maxTp && tp <= n; tp *= 2) {
      for (int cp = 1; cp <= 16 && (long) tp * cp <= n; cp *= 2) {
        if (!atMost && n % (tp * cp) != 0) {
          continue;
        }
        int rest = n / (tp * cp);
        for (int pp = 1; pp <= rest && pp <= m.numHiddenLayers(); pp++) {
          if (atMost) {
            for (int dp : batchDivisors) {
              if ((long) dp * pp > rest) {
                break;
              }
              st.visit(tp, pp, dp, cp);
            }
          } else if (rest % pp == 0) {
            st.visit(tp, pp, rest / pp, cp);
          }
        }
      }
    }
    return st.result();
  }

  /** The search's running state: counts, examples and the top layouts. */
  private static final class State {
    final TrainingPlanner planner;
    final int[] mbs;
    final int[] zeros;
    final Recompute[] recs;
    final boolean offload;
    final boolean skipSelective;
    final int experts;
    final double usable;
    final int top;
    final boolean prune;
    final boolean byCost;
    final int recsWithoutSelective;
    final long[] rejected = new long[LayoutValidity.KINDS.length + 1];
    final Layout[] example = new Layout[LayoutValidity.KINDS.length + 1];
    final int fitCode = LayoutValidity.KINDS.length;
    final double[] o = new double[TrainingPlanner.SLOTS];
    // the layout being visited, one cursor for the whole search
    final LayoutCursor at = new LayoutCursor();
    // the top layouts, fastest (by cost: cheapest) first, as parallel arrays of reused cursors (no
    // allocation per layout evaluated); bestStep holds the ranking key: step seconds, or
    // GPU-seconds by cost
    final double[] bestStep;
    final double[] bestPeak;
    final LayoutCursor[] bestLayout;
    int kept;
    long evaluated;
    long valid;
    long fitting;

    State(TrainingPlanner planner, Constraints c, int top, boolean prune, boolean byCost) {
      this.planner = planner;
      this.prune = prune;
      this.byCost = byCost;
      this.mbs = c.microBatch() != null ? new int[] {c.microBatch()} : new int[] {1, 2, 4, 8};
      this.zeros = c.zero() != null ? new int[] {c.zero()} : new int[] {0, 1, 2, 3};
      this.recs = c.recompute() != null ? new Recompute[] {c.recompute()} : Recompute.values();
      this.offload = c.offload() != null && c.offload();
      this.skipSelective = planner.job().flashAttention() && c.recompute() == null;
      var moe = planner.job().model().moe();
      this.experts = moe != null ? moe.nRoutedExperts() : 1;
      this.usable = planner.usableBytes();
      this.top = top;
      int k = 0;
      for (Recompute r : recs) {
        k += r == Recompute.SELECTIVE ? 0 : 1;
      }
      this.recsWithoutSelective = k;
      this.bestStep = new double[top];
      this.bestPeak = new double[top];
      this.bestLayout = new LayoutCursor[top];
      at.offload = offload;
    }

    void visit(int tp, int pp, int dp, int cp) {
      at.tp = tp;
      at.pp = pp;
      at.dp = dp;
      at.cp = cp;
      at.sp = tp > 1;
      for (int ep = 1; ep <= experts && ep <= dp * cp; ep *= 2) {
        at.ep = ep;
        for (int vpp = 1; vpp <= (pp > 1 ? 8 : 1); vpp *= 2) {
          at.vpp = vpp;
          for (int mb : mbs) {
            at.microBatch = mb;
            int code = planner.invalidCode(at);
            if (code != LayoutValidity.OK) {
              // every ZeRO stage and recompute of it is rejected for the same reason
              long variants =
                  (long) zeros.length * (skipSelective ? recsWithoutSelective : recs.length);
              evaluated += variants;
              rejected[code] += variants - 1;
              at.zero = zeros[0];
              at.recompute = recs[0];
              reject(code);
              continue;
            }
            // a bound on every ZeRO stage and recompute of this layout's step time (by cost: of
            // its GPU-seconds, the same bound times the GPUs it uses)
            double weight = byCost ? (double) tp * pp * dp * cp : 1;
            double bound = prune ? planner.stepLowerBound(at) * weight : 0;
            for (int zero : zeros) {
              at.zero = zero;
              for (Recompute r : recs) {
                if (r == Recompute.SELECTIVE && skipSelective) {
                  continue; // equals none with FlashAttention
                }
                at.recompute = r;
                evaluated++;
                valid++;
                // pruned: the fit first (memory only), then the time only when the layout could
                // enter the top: its step is at least the bound, and a layout no faster than the
                // slowest kept one never displaces it (better() needs a shorter step or, at an
                // equal step, a smaller peak; the bound is strict here)
                planner.evaluate(at, !prune, o);
                double peak = o[TrainingPlanner.PEAK];
                if (peak > usable) {
                  reject(fitCode);
                  continue;
                }
                fitting++;
                if (prune) {
                  if (kept == top && bound > bestStep[top - 1]) {
                    continue;
                  }
                  planner.evaluate(at, true, o);
                }
                keep(o[TrainingPlanner.STEP] * weight, peak);
              }
            }
          }
        }
      }
    }

    /** Counts the layout visited now under {@code code}, the first such as its example. */
    void reject(int code) {
      rejected[code]++;
      if (example[code] == null) {
        example[code] = at.toLayout();
      }
    }

    /** Keeps the layout visited now if it enters the top (step or cost {@code s}, {@code peak}). */
    void keep(double s, double peak) {
      if (kept == top && !better(s, peak, bestStep[top - 1], bestPeak[top - 1])) {
        return;
      }
      int i = kept == top ? top - 1 : kept++;
      LayoutCursor slot = bestLayout[i];
      while (i > 0 && better(s, peak, bestStep[i - 1], bestPeak[i - 1])) {
        bestStep[i] = bestStep[i - 1];
        bestPeak[i] = bestPeak[i - 1];
        bestLayout[i] = bestLayout[i - 1];
        i--;
      }
      if (slot == null) {
        slot = new LayoutCursor();
      }
      slot.copy(at);
      bestStep[i] = s;
      bestPeak[i] = peak;
      bestLayout[i] = slot;
    }

    Result result() {
      List<TrainingPlan> ranked = new ArrayList<>(kept);
      for (int i = 0; i < kept; i++) {
        ranked.add(planner.evaluate(bestLayout[i].toLayout()));
      }
      Map<String, Long> byReason = new LinkedHashMap<>();
      Map<String, String> examples = new LinkedHashMap<>();
      for (int code = 1; code < rejected.length; code++) {
        if (rejected[code] == 0) {
          continue;
        }
        String kind = code == fitCode ? DOES_NOT_FIT : LayoutValidity.KINDS[code];
        byReason.put(kind, rejected[code]);
        Layout l = example[code];
        String why =
            code == fitCode
                ? String.format(
                    java.util.Locale.ROOT,
                    "peak memory above the usable %.1f GiB",
                    usable / (1L << 30))
                : planner.reason(code, l);
        examples.put(kind, l.label() + ": " + why);
      }
      return new Result(evaluated, valid, fitting, ranked, byReason, examples);
    }
  }

  /**
   * One layout at every ZeRO stage, 0 to 3, as the search tries them.
   *
   * @param stages the plans in stage order (index = ZeRO stage)
   * @param best the fastest that fits (at an equal step, the smaller peak), as the search ranks;
   *     when none fits, the one with the smallest peak (it does not fit)
   */
  public record ZeroStages(List<TrainingPlan> stages, TrainingPlan best) {
    /** The ZeRO stages whose plan fits, in order. */
    public List<Integer> fitting() {
      List<Integer> f = new ArrayList<>();
      for (TrainingPlan p : stages) {
        if (p.fits()) {
          f.add(p.layout().zero());
        }
      }
      return f;
    }
  }

  /**
   * Evaluates {@code l} at ZeRO stages 0 to 3 (its own stage ignored) and picks as {@link
   * ZeroStages#best} the search would: the fastest that fits. Throws as {@link
   * TrainingPlanner#evaluate(Layout)} when the layout cannot run.
   */
  public static ZeroStages everyZeroStage(TrainingPlanner planner, Layout l) {
    List<TrainingPlan> plans = new ArrayList<>(4);
    TrainingPlan best = null;
    TrainingPlan smallest = null;
    for (int z = 0; z <= 3; z++) {
      TrainingPlan p = planner.evaluate(l.withZero(z));
      plans.add(p);
      if (p.fits()
          && (best == null
              || better(
                  p.stepSeconds(),
                  p.peakBytesPerGpu(),
                  best.stepSeconds(),
                  best.peakBytesPerGpu()))) {
        best = p;
      }
      if (smallest == null || p.peakBytesPerGpu() < smallest.peakBytesPerGpu()) {
        smallest = p;
      }
    }
    return new ZeroStages(List.copyOf(plans), best != null ? best : smallest);
  }

  /** Faster, then smaller; a tie keeps the earlier. */
  private static boolean better(double s, double peak, double s2, double peak2) {
    return s < s2 || (s == s2 && peak < peak2);
  }
}
