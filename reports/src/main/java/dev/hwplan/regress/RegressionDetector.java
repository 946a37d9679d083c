package dev.hwplan.regress;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * Compares a run with the runs before it, metric by metric.
 *
 * <p>The baseline of a metric is the last {@code window} earlier runs that have it with the same
 * unit and direction, taken from the current run's machine; where that machine has fewer than
 * {@code minHistory} such runs, runs from any machine are used and the result says so ({@code
 * sameMachine = false}). A metric regressed when both hold:
 *
 * <ol>
 *   <li>its value is worse than the baseline median by more than {@code threshold} (a ratio, so
 *       that one setting fits nanosecond and second metrics alike), and
 *   <li>the difference is significant. With at least three current samples, that is a Mann-Whitney
 *       U test (Commons Math {@link MannWhitneyUTest}, two-sided p below {@code alpha}) of the
 *       current samples against the baseline runs' samples pooled, a run without samples giving its
 *       value. Pooling treats samples within a run as independent, which they are not quite (they
 *       share a JVM and the machine's state at that time), so the p-value is optimistic; the ratio
 *       threshold is what guards against run-to-run drift. Without current samples (an accuracy
 *       figure, say), one value against the window can never reach p &lt; 0.05 in a rank test of
 *       ten runs, so the test falls back to the window's own spread: the value must lie more than
 *       {@link RegressionSettings#ROBUST_Z} robust standard deviations (1.4826 × MAD of the
 *       window's values) beyond the median; a window with no spread at all makes any change beyond
 *       the threshold significant.
 * </ol>
 *
 * An improvement is the same in the other direction.
 */
public final class RegressionDetector {
  private static final int MIN_SAMPLES_FOR_RANK_TEST = 3;

  private final RegressionSettings settings;

  public RegressionDetector(RegressionSettings settings) {
    this.settings = settings;
  }

  public RegressionSettings settings() {
    return settings;
  }

  /**
   * Compares {@code current} with {@code earlier} (oldest first, as the history file holds them).
   */
  public Comparison compare(List<RunRecord> earlier, RunRecord current) {
    List<MetricComparison> out = new ArrayList<>();
    for (BenchmarkResult b : current.benchmarks()) {
      out.add(compare(earlier, current.machine(), b));
    }
    return new Comparison(current, earlier.size(), settings, out);
  }

  MetricComparison compare(List<RunRecord> earlier, String machine, BenchmarkResult cur) {
    Baseline base = baseline(earlier, machine, cur);
    if (base.indices.isEmpty()) {
      return MetricComparison.withoutBaseline(cur);
    }
    double[] values = base.values();
    double median = RobustStats.median(values);
    double worseBy = cur.direction().worseBy(cur.value(), median);
    Double ratio = median == 0 ? null : cur.value() / median;
    if (base.indices.size() < settings.minHistory()) {
      return new MetricComparison(
          cur.name(),
          cur.unit(),
          cur.direction(),
          Verdict.INSUFFICIENT_HISTORY,
          cur.value(),
          median,
          ratio,
          worseBy,
          null,
          null,
          null,
          base.indices.size(),
          base.sameMachine,
          base.indices);
    }
    String test;
    Double p = null;
    Double z = null;
    boolean significant;
    if (cur.samples().size() >= MIN_SAMPLES_FOR_RANK_TEST) {
      test = "mann-whitney-u";
      double pv = new MannWhitneyUTest().mannWhitneyUTest(cur.samplesOrValue(), base.samples());
      p = Double.isNaN(pv) ? 1.0 : pv; // NaN: every value tied, nothing to tell apart
      significant = p < settings.alpha();
    } else {
      test = "robust-z";
      double sigma = RobustStats.MAD_TO_SIGMA * RobustStats.mad(values);
      double signed =
          cur.direction() == Direction.SMALLER_IS_BETTER
              ? cur.value() - median
              : median - cur.value();
      z = sigma > 0 ? signed / sigma : signed == 0 ? 0.0 : Math.copySign(1e300, signed);
      significant = Math.abs(z) > RegressionSettings.ROBUST_Z;
    }
    Verdict v;
    if (significant && worseBy > settings.threshold()) {
      v = Verdict.REGRESSED;
    } else if (significant && worseBy < -settings.threshold()) {
      v = Verdict.IMPROVED;
    } else {
      v = Verdict.UNCHANGED;
    }
    return new MetricComparison(
        cur.name(),
        cur.unit(),
        cur.direction(),
        v,
        cur.value(),
        median,
        ratio,
        worseBy,
        test,
        p,
        z,
        base.indices.size(),
        base.sameMachine,
        base.indices);
  }

  private Baseline baseline(List<RunRecord> earlier, String machine, BenchmarkResult cur) {
    List<Integer> same = matching(earlier, cur, machine);
    if (same.size() >= settings.minHistory()) {
      return new Baseline(earlier, cur.name(), same, true);
    }
    List<Integer> any = matching(earlier, cur, null);
    if (any.size() > same.size()) {
      return new Baseline(earlier, cur.name(), any, false);
    }
    return new Baseline(earlier, cur.name(), same, true);
  }

  /** The last {@code window} indices of runs with a comparable metric, oldest first. */
  private List<Integer> matching(List<RunRecord> earlier, BenchmarkResult cur, String machine) {
    List<Integer> idx = new ArrayList<>();
    for (int i = earlier.size() - 1; i >= 0 && idx.size() < settings.window(); i--) {
      RunRecord r = earlier.get(i);
      if (machine != null && !machine.equals(r.machine())) {
        continue;
      }
      boolean comparable =
          r.benchmark(cur.name())
              .filter(b -> b.unit().equals(cur.unit()) && b.direction() == cur.direction())
              .isPresent();
      if (comparable) {
        idx.add(0, i);
      }
    }
    return List.copyOf(idx);
  }

  private record Baseline(
      List<RunRecord> runs, String name, List<Integer> indices, boolean sameMachine) {
    double[] values() {
      return indices.stream()
          .mapToDouble(i -> runs.get(i).benchmark(name).orElseThrow().value())
          .toArray();
    }

    double[] samples() {
      return indices.stream()
          .flatMapToDouble(
              i ->
                  java.util.Arrays.stream(
                      runs.get(i).benchmark(name).orElseThrow().samplesOrValue()))
          .toArray();
    }
  }
}
