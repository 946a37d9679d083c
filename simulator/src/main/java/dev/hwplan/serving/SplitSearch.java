package dev.hwplan.serving;

import dev.hwplan.serving.CapacitySearch.Candidate;
import dev.hwplan.serving.CapacitySearch.Layout;
import dev.hwplan.serving.CapacitySearch.Objective;
import java.util.List;

/**
 * The search over prefill/decode splits of one layout ({@link CapacitySearch#findMinGpus} with
 * {@code disaggregated}): for a total of n replicas, doubling from 2 and then bisecting, the
 * prefill replicas P are bisected within 1..n-1, a run that misses TTFT moving P up and one that
 * misses TPOT moving it down, until a split passes or none is left.
 */
final class SplitSearch {
  private SplitSearch() {}

  /** The fewest replicas n, split P + D, of one layout that pass; every run tried goes to out. */
  static void search(
      Layout l,
      ServingPlan one,
      ServingPlan prefill,
      IterationTimer timer,
      Workload w,
      Objective o,
      int maxGpus,
      int[] runs,
      List<Candidate> out) {
    int per = l.step().parallelism().gpus();
    int lastFail = 1;
    int pass = 0;
    for (int n = 2; n * per <= maxGpus; n *= 2) {
      if (split(l, one, prefill, timer, n, w, o, runs, out)) {
        pass = n;
        break;
      }
      lastFail = n;
    }
    if (pass == 0 && lastFail * per < maxGpus && lastFail >= 2) {
      int n = maxGpus / per; // the most that fit, when doubling overshot them
      if (n > lastFail && split(l, one, prefill, timer, n, w, o, runs, out)) {
        pass = n;
      } else {
        return;
      }
    }
    while (pass - lastFail > 1) {
      int mid = (pass + lastFail) / 2;
      if (split(l, one, prefill, timer, mid, w, o, runs, out)) {
        pass = mid;
      } else {
        lastFail = mid;
      }
    }
  }

  /** Bisects the prefill replicas of n by which objective fails; true when a split passes. */
  private static boolean split(
      Layout l,
      ServingPlan one,
      ServingPlan prefill,
      IterationTimer timer,
      int n,
      Workload w,
      Objective o,
      int[] runs,
      List<Candidate> out) {
    int lo = 1;
    int hi = n - 1;
    while (lo <= hi) {
      int p = (lo + hi) / 2;
      ServingPlan plan = one.disaggregated(n - p, prefill.withReplicas(p), null);
      Candidate c = CapacitySearch.run(l, plan, timer, w, o, runs, p, n - p);
      out.add(c);
      if (c.meetsSlo()) {
        return true;
      }
      if (c.reason().contains("TTFT")) {
        lo = p + 1; // prefill is short
      } else if (c.reason().contains("TPOT")) {
        hi = p - 1; // decode is short
      } else {
        return false;
      }
    }
    return false;
  }
}
