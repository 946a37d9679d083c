package dev.hwplan.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Enumerates the layouts of a job on its GPUs (TP x CP x EP x PP x DP x virtual stages x
 * micro-batch x ZeRO stage x recompute), evaluates those that can run, and ranks those that fit by
 * step time (equal GPUs: cost ranks the same). A layout that cannot run or does not fit is counted
 * under its reason.
 *
 * <p>Sizes tried: TP the powers of two up to a node that divide the heads; CP powers of two up to
 * 16 (only when the sequence is at least 8k tokens per CP rank... any that divide it); EP the
 * powers of two dividing the experts (MoE models); PP every divisor of the rest up to the layers;
 * VPP 1, 2, 4 with PP > 1; micro-batches 1, 2, 4, 8; sequence parallelism whenever TP > 1.
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

  /**
   * The search's answer.
   *
   * @param evaluated layouts enumerated
   * @param valid layouts that can run (the rest are in {@code rejectedByReason})
   * @param fitting valid layouts whose memory fits
   * @param ranked fitting plans, fastest first
   * @param rejectedByReason rejected layouts counted by reason (the reason's first words)
   * @param rejectedExamples one example layout per reason
   */
  public record Result(
      long evaluated,
      long valid,
      long fitting,
      List<TrainingPlan> ranked,
      Map<String, Long> rejectedByReason,
      Map<String, String> rejectedExamples) {}

  /** Searches {@code planner}'s job, keeping the {@code top} fastest fitting plans. */
  public static Result search(TrainingPlanner planner, Constraints c, int top) {
    var job = planner.job();
    var m = job.model();
    int n = planner.gpus();
    int gpn = planner.cluster().gpusPerNode();
    List<TrainingPlan> best = new ArrayList<>();
    Map<String, Long> rejected = new LinkedHashMap<>();
    Map<String, String> examples = new LinkedHashMap<>();
    long evaluated = 0;
    long valid = 0;
    long fitting = 0;
    int maxTp = c.maxTp() != null ? c.maxTp() : gpn;
    int[] mbs = c.microBatch() != null ? new int[] {c.microBatch()} : new int[] {1, 2, 4, 8};
    int[] zeros = c.zero() != null ? new int[] {c.zero()} : new int[] {0, 1, 2, 3};
    Recompute[] recs = c.recompute() != null ? new Recompute[] {c.recompute()} : Recompute.values();
    boolean offload = c.offload() != null && c.offload();
    int experts = m.moe() != null ? m.moe().nRoutedExperts() : 1;
    for (int tp = 1; tp <= maxTp && tp <= n; tp *= 2) {
      if (n % tp != 0) {
        continue;
      }
      for (int cp = 1; cp <= 16 && (long) tp * cp <= n; cp *= 2) {
        if (n % (tp * cp) != 0) {
          continue;
        }
        int rest = n / (tp * cp);
        for (int pp = 1; pp <= rest && pp <= m.numHiddenLayers(); pp++) {
          if (rest % pp != 0) {
            continue;
          }
          int dp = rest / pp;
          for (int ep = 1; ep <= experts && ep <= dp * cp; ep *= 2) {
            for (int vpp = 1; vpp <= (pp > 1 ? 4 : 1); vpp *= 2) {
              for (int mb : mbs) {
                for (int zero : zeros) {
                  for (Recompute r : recs) {
                    if (r == Recompute.SELECTIVE && job.flashAttention()) {
                      continue; // equals none with FlashAttention
                    }
                    Layout l = new Layout(tp, pp, dp, cp, ep, vpp, tp > 1, mb, zero, r, offload);
                    evaluated++;
                    String why = planner.invalid(l);
                    if (why != null) {
                      count(rejected, examples, why, l);
                      continue;
                    }
                    valid++;
                    TrainingPlan p = planner.evaluate(l);
                    if (!p.fits()) {
                      count(rejected, examples, "does not fit", l);
                      continue;
                    }
                    fitting++;
                    keep(best, p, top);
                  }
                }
              }
            }
          }
        }
      }
    }
    return new Result(evaluated, valid, fitting, best, rejected, examples);
  }

  private static final Comparator<TrainingPlan> FASTEST =
      Comparator.comparingDouble(TrainingPlan::stepSeconds)
          .thenComparingDouble(TrainingPlan::peakBytesPerGpu)
          .thenComparing(TrainingPlan::label);

  private static void keep(List<TrainingPlan> best, TrainingPlan p, int top) {
    if (best.size() < top) {
      best.add(p);
      best.sort(FASTEST);
      return;
    }
    if (FASTEST.compare(p, best.get(best.size() - 1)) < 0) {
      best.set(best.size() - 1, p);
      best.sort(FASTEST);
    }
  }

  /** Counts a rejection under its reason's kind (the text before any number). */
  private static void count(
      Map<String, Long> rejected, Map<String, String> examples, String why, Layout l) {
    String kind = reasonKind(why);
    rejected.merge(kind, 1L, Long::sum);
    examples.putIfAbsent(kind, l.label() + ": " + why);
  }

  static String reasonKind(String why) {
    if (why.startsWith("TP") && why.contains("attention heads")) {
      return "heads not divisible by TP";
    }
    if (why.contains("KV heads")) {
      return "KV heads not divisible by TP";
    }
    if (why.startsWith("layers not divisible")) {
      return "layers not divisible by PP x VPP";
    }
    if (why.startsWith("global batch")) {
      return "batch not divisible by DP x micro-batch";
    }
    if (why.startsWith("interleaved")) {
      return "micro-batches not a multiple of PP (interleaved)";
    }
    if (why.startsWith("sequence")) {
      return "sequence not divisible by 2 x CP";
    }
    if (why.startsWith("EP")) {
      return "EP does not divide experts or DP x CP";
    }
    return why;
  }
}
