package dev.hwplan.regress;

import dev.hwplan.report.Report;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.Section;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The regression check as a report: the verdict, a table of metrics, a trend chart per metric. */
public final class RegressionReport {
  private RegressionReport() {}

  /**
   * @param history the earlier runs the current one was compared against (file order)
   * @param appended whether the current run was appended to the history
   * @param historyName the history file as the user named it
   */
  public static Report of(
      List<RunRecord> history, Comparison c, boolean appended, String historyName) {
    RunRecord r = c.current();
    RegressionSettings s = c.settings();
    List<MetricComparison> bad = c.regressed();
    String verdict =
        bad.isEmpty()
            ? "**No metric regressed.**"
            : "**"
                + bad.size()
                + (bad.size() == 1 ? " metric regressed: " : " metrics regressed: ")
                + String.join(", ", bad.stream().map(m -> "`" + m.name() + "`").toList())
                + ".**";
    String rule =
        String.format(
            Locale.ROOT,
            "A metric regresses when it is more than %.0f%% worse than the median of its last %d"
                + " earlier runs (from the same machine where it has at least %d) and the"
                + " difference is significant: Mann-Whitney U p < %s on the samples or, for a"
                + " metric without samples, more than %.0f robust standard deviations of the"
                + " window.",
            100 * s.threshold(),
            s.window(),
            s.minHistory(),
            s.alpha(),
            RegressionSettings.ROBUST_Z);
    Section.Builder summary =
        Section.builder("summary", "Verdict")
            .text(verdict)
            .text(rule)
            .table("metrics", "Each metric of this run against its baseline", table(c))
            .text(
                "This run is also exported for github-action-benchmark (`github-action-benchmark."
                    + "customSmallerIsBetter.json`, `...customBiggerIsBetter.json`) and for"
                    + " Bencher (`"
                    + BencherMetricFormat.FILE
                    + "`), beside this report's folder.");
    Section.Builder trends = Section.builder("trends", "Trends");
    List<String> ids = chartIds(c);
    for (int i = 0; i < c.metrics().size(); i++) {
      MetricComparison m = c.metrics().get(i);
      trends.chart(
          ReportChart.of(
              ids.get(i), m.name() + ": " + m.verdict().key(), TrendChart.of(history, r, m, s)));
    }
    return Report.builder("Benchmark regression check")
        .subtitle(bad.isEmpty() ? "no regression" : bad.size() + " regressed")
        .meta("commit", r.commit())
        .meta("machine", r.machine())
        .meta("date", r.date())
        .meta(
            "history",
            historyName
                + ", "
                + c.historyRuns()
                + " earlier runs"
                + (appended ? "; this run appended" : "; this run not appended (--no-append)"))
        .meta(
            "settings",
            String.format(
                Locale.ROOT,
                "window %d, threshold %.0f%%, alpha %s, min history %d",
                s.window(),
                100 * s.threshold(),
                s.alpha(),
                s.minHistory()))
        .section(summary.build())
        .section(trends.build())
        .build();
  }

  /** One chart id per metric, in order: {@link TrendChart#chartId}, numbered where it repeats. */
  public static List<String> chartIds(Comparison c) {
    java.util.Set<String> used = new java.util.HashSet<>();
    List<String> out = new java.util.ArrayList<>();
    for (MetricComparison m : c.metrics()) {
      String base = TrendChart.chartId(m.name());
      String id = base;
      for (int k = 2; !used.add(id); k++) {
        id = base + "-" + k;
      }
      out.add(id);
    }
    return out;
  }

  static Table table(Comparison c) {
    StringColumn name = StringColumn.create("metric");
    StringColumn verdict = StringColumn.create("verdict");
    StringColumn current = StringColumn.create("this run");
    StringColumn base = StringColumn.create("baseline median");
    StringColumn change = StringColumn.create("change");
    StringColumn test = StringColumn.create("test");
    StringColumn evidence = StringColumn.create("evidence");
    IntColumn runs = IntColumn.create("baseline runs");
    StringColumn machine = StringColumn.create("baseline machine");
    for (MetricComparison m : c.metrics()) {
      name.append(m.name());
      verdict.append(m.verdict().key());
      current.append(ValueText.of(m.current(), m.unit()));
      base.append(m.baselineMedian() == null ? "" : ValueText.of(m.baselineMedian(), m.unit()));
      change.append(ValueText.change(m.worseBy()));
      test.append(m.test() == null ? "" : m.test());
      evidence.append(ValueText.evidence(m));
      runs.append(m.baselineRuns());
      machine.append(m.baselineRuns() == 0 ? "" : m.sameMachine() ? "same" : "any");
    }
    return Table.create(
        "metrics", name, verdict, current, base, change, test, evidence, runs, machine);
  }
}
