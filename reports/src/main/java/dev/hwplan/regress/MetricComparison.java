package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One metric of the current run against its baseline.
 *
 * @param baselineMedian median of the baseline runs' values; null without a baseline
 * @param ratio current / baseline median; null without a baseline
 * @param worseBy how much worse than the baseline median, as a fraction (positive is worse,
 *     whichever way the metric points); null without a baseline
 * @param test {@code mann-whitney-u} (current samples against the baseline's samples, or its values
 *     where a run has none) or {@code robust-z} (no samples: the window's own spread); null when
 *     there was nothing to test
 * @param pValue the Mann-Whitney U two-sided p-value (Commons Math, normal approximation); null for
 *     {@code robust-z}
 * @param robustZ for {@code robust-z}: (current − median) / (1.4826 MAD), signed so that positive
 *     is worse
 * @param baselineRuns how many earlier runs form the baseline
 * @param sameMachine whether the baseline runs all come from the current run's machine (false when
 *     too few did and runs from other machines were used)
 * @param baselineIndices positions in the history (0-based, file order) of the baseline runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricComparison(
    String name,
    String unit,
    Direction direction,
    Verdict verdict,
    double current,
    Double baselineMedian,
    Double ratio,
    Double worseBy,
    String test,
    Double pValue,
    Double robustZ,
    int baselineRuns,
    boolean sameMachine,
    List<Integer> baselineIndices) {

  /** A metric with no baseline yet: its current value alone, verdict {@link Verdict#NEW}. */
  public static MetricComparison withoutBaseline(BenchmarkResult current) {
    return new MetricComparison(
        current.name(),
        current.unit(),
        current.direction(),
        Verdict.NEW,
        current.value(),
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        true,
        List.of());
  }
}
