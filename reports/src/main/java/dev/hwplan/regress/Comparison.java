package dev.hwplan.regress;

import java.util.List;

/** Every metric of the current run against its baseline, with the settings used. */
public record Comparison(
    RunRecord current,
    int historyRuns,
    RegressionSettings settings,
    List<MetricComparison> metrics) {
  public Comparison {
    metrics = List.copyOf(metrics);
  }

  /** The metrics that regressed, in the current run's order. */
  public List<MetricComparison> regressed() {
    return metrics.stream().filter(m -> m.verdict() == Verdict.REGRESSED).toList();
  }

  public boolean anyRegressed() {
    return !regressed().isEmpty();
  }
}
