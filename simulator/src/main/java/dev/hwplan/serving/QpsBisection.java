package dev.hwplan.serving;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.serving.CapacitySearch.Objective;
import dev.hwplan.step.StepTimeTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The bisection behind {@link CapacitySearch#findMaxQps}: per seed, the open-loop rate doubles from
 * the workload's rate ({@code --qps}, 1 req/s by default) while runs pass (halves while they fail)
 * to bracket the answer, then the bracket halves to {@link CapacitySearch#PRECISION}; the answer is
 * the median over seeds.
 */
final class QpsBisection {
  private QpsBisection() {}

  static CapacitySearch.MaxQps find(
      ServingPlan plan, StepTimeTable table, Workload workload, Objective o, int seeds) {
    if (workload.arrival() != Workload.Arrival.OPEN) {
      throw InvalidInputException.option(
          "--find-max-qps",
          "searches the rate of open-loop traffic: give --qps, not a trace or users");
    }
    if (seeds <= 0) {
      throw InvalidInputException.option("--seeds", "must be positive, got " + seeds);
    }
    IterationTimer timer = IterationTimer.of(table);
    double[] best = new double[seeds];
    int[] runs = {0};
    String reason = null;
    for (int s = 0; s < seeds; s++) {
      Workload w = workload.withSeed(workload.seed() + s);
      double lo = 0;
      double hi = Double.NaN;
      // where the search starts: --qps where given (a guess near the answer saves runs)
      double q = Math.min(CapacitySearch.MAX_QPS, workload.qps() > 0 ? workload.qps() : 1);
      String lowest = null;
      // bracket: double up while passing, halve down while failing
      while (true) {
        String f = fails(plan, timer, w.withQps(q), o, runs);
        if (f == null) {
          lo = q;
          if (!Double.isNaN(hi) || q >= CapacitySearch.MAX_QPS) {
            break;
          }
          q *= 2;
        } else {
          hi = q;
          lowest = f;
          if (lo > 0 || q <= CapacitySearch.MIN_QPS) {
            break;
          }
          q /= 2;
        }
      }
      if (lo == 0) {
        best[s] = 0;
        reason = "even at " + fmt(hi) + " req/s: " + lowest;
        continue;
      }
      if (Double.isNaN(hi)) {
        best[s] = lo;
        continue;
      }
      while (hi - lo > CapacitySearch.PRECISION * lo) {
        double mid = (lo + hi) / 2;
        if (fails(plan, timer, w.withQps(mid), o, runs) == null) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      best[s] = lo;
    }
    double[] sorted = best.clone();
    Arrays.sort(sorted);
    double median =
        seeds % 2 == 1 ? sorted[seeds / 2] : (sorted[seeds / 2 - 1] + sorted[seeds / 2]) / 2;
    // the passing run of the seed whose own answer is nearest the median, at that answer
    int at = 0;
    for (int s = 1; s < seeds; s++) {
      if (Math.abs(best[s] - median) < Math.abs(best[at] - median)) {
        at = s;
      }
    }
    ServingResult atMax =
        best[at] > 0
            ? ServingSimulator.run(
                plan.spec(
                    workload.withSeed(workload.seed() + at).withQps(best[at]),
                    o.ttftP99Seconds(),
                    o.tpotP99Seconds(),
                    false),
                timer)
            : null;
    List<Double> per = new ArrayList<>();
    for (double b : best) {
      per.add(b);
    }
    return new CapacitySearch.MaxQps(
        median,
        sorted[0],
        sorted[seeds - 1],
        per,
        runs[0],
        atMax,
        workload.seed() + at,
        best[at],
        median > 0 ? null : reason);
  }

  private static String fails(
      ServingPlan plan, IterationTimer timer, Workload w, Objective o, int[] runs) {
    runs[0]++;
    ServingResult r =
        ServingSimulator.run(plan.spec(w, o.ttftP99Seconds(), o.tpotP99Seconds(), true), timer);
    return o.failure(r);
  }

  private static String fmt(double q) {
    return String.format(Locale.ROOT, "%.3g", q);
  }
}
