package dev.hwplan.scenario.study;

import dev.hwplan.bench.BenchSettings;
import dev.hwplan.bench.ProjectBench;
import dev.hwplan.bench.ProjectBenchmark;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.Comparison;
import dev.hwplan.regress.History;
import dev.hwplan.regress.MetricComparison;
import dev.hwplan.regress.RegressionDetector;
import dev.hwplan.regress.RegressionSettings;
import dev.hwplan.regress.RunRecord;
import dev.hwplan.regress.TrendChart;
import dev.hwplan.report.ReportChart;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * hwplan's own benchmarks ({@code hwplan bench}), compared with a benchmark history when there is
 * one ({@code hwplan regress}, without appending): a trend chart per metric with the baseline band
 * and any regressed point marked. Fields: {@code history} (a JSON Lines file; {@code ~} is the home
 * folder; none by default), {@code full} (false: the quick settings), {@code window}, {@code
 * threshold}, {@code alpha}, {@code minHistory}. The values are measured on the machine that runs
 * the scenario.
 */
public final class BenchStudy extends StudyBase<BenchStudy.Result> {
  /** The study, with the fields it reads and their defaults. */
  public BenchStudy() {
    super("bench");
    field("history", null);
    field("full", false);
    field("window", RegressionSettings.DEFAULT_WINDOW);
    field("threshold", RegressionSettings.DEFAULT_THRESHOLD);
    field("alpha", RegressionSettings.DEFAULT_ALPHA);
    field("minHistory", RegressionSettings.DEFAULT_MIN_HISTORY);
  }

  /** The run, and its comparison when a history exists. */
  public record Result(
      RunRecord run, Path history, List<RunRecord> earlier, Comparison comparison) {}

  @Override
  public Result evaluate(Point p, StudyContext ctx) {
    RegressionSettings settings;
    try {
      settings =
          new RegressionSettings(
              (int) p.whole("window", 1),
              p.positive("threshold"),
              p.positive("alpha"),
              (int) p.whole("minHistory", 1));
    } catch (InvalidInputException e) {
      throw p.restate(e);
    } catch (IllegalArgumentException e) {
      throw p.error("threshold", e.getMessage());
    }
    BenchSettings bench =
        p.flag("full", false) && !ctx.quick() ? BenchSettings.FULL : BenchSettings.QUICK;
    String commit = ProjectBench.gitCommit(Path.of("."));
    RunRecord run =
        ProjectBench.run(
            Arrays.asList(ProjectBenchmark.values()),
            bench,
            commit == null ? "unknown" : commit,
            ProjectBench.machine(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            (what, done, total) -> {});
    if (!p.has("history")) {
      return new Result(run, null, List.of(), null);
    }
    String written = p.text("history");
    Path h = p.study().resolveFile(written);
    if (!Files.exists(h)) {
      return new Result(run, h, List.of(), null);
    }
    List<RunRecord> earlier;
    try {
      earlier = History.read(h);
    } catch (InvalidInputException e) {
      throw p.error("history", e.getMessage());
    }
    return new Result(run, h, earlier, new RegressionDetector(settings).compare(earlier, run));
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<Result> results, StudyContext ctx) {
    Result r = results.get(results.size() - 1);
    Findings f = new Findings(spec);
    if (r.comparison() == null) {
      Tables t =
          new Tables(spec.id())
              .text("benchmark")
              .text("unit")
              .text("direction")
              .real("value")
              .whole("samples");
      for (BenchmarkResult b : r.run().benchmarks()) {
        t.row(
            b.name(),
            b.unit(),
            b.direction().key(),
            b.value(),
            b.samples() == null ? 0 : b.samples().size());
        f.number(b.name(), b.value());
      }
      String line =
          r.history() == null
              ? String.format(
                  Locale.ROOT,
                  "Measured %d benchmarks on %s; no history was given, so nothing is compared.",
                  r.run().benchmarks().size(),
                  r.run().machine())
              : String.format(
                  Locale.ROOT,
                  "Measured %d benchmarks on %s. There is no history at `%s` yet: `hwplan bench --out run.json` then `hwplan regress --history %s --current run.json` starts one, and this section then draws a trend chart per metric.",
                  r.run().benchmarks().size(),
                  r.run().machine(),
                  r.history(),
                  r.history());
      f.text(line);
      f.summary(line.replace("`", ""));
      return f.result(
          "This run's benchmarks (timings: median seconds per call; accuracy: ratio)", t.build());
    }
    Comparison c = r.comparison();
    Tables t =
        new Tables(spec.id())
            .text("metric")
            .text("verdict")
            .real("current")
            .real("baselineMedian")
            .real("ratio")
            .real("pValue")
            .whole("baselineRuns");
    for (MetricComparison m : c.metrics()) {
      t.row(
          m.name(),
          m.verdict().key(),
          m.current(),
          m.baselineMedian() == null ? Double.NaN : m.baselineMedian(),
          m.ratio() == null ? Double.NaN : m.ratio(),
          m.pValue() == null ? Double.NaN : m.pValue(),
          m.baselineRuns());
      f.chart(
          ReportChart.of(
              spec.id() + "-" + TrendChart.chartId(m.name()),
              "Trend of " + m.name(),
              TrendChart.of(r.earlier(), r.run(), m, c.settings())));
      f.number(m.name(), m.current());
    }
    f.sentence(
        c.anyRegressed()
            ? String.format(
                Locale.ROOT,
                "**%d of %d metrics regressed** against the last %d runs of %s: %s.",
                c.regressed().size(),
                c.metrics().size(),
                c.settings().window(),
                r.history(),
                String.join(", ", c.regressed().stream().map(MetricComparison::name).toList()))
            : String.format(
                Locale.ROOT,
                "No metric regressed against the last %d runs of %s (%d metrics).",
                c.settings().window(),
                r.history(),
                c.metrics().size()));
    return f.result("Each metric against its baseline window", t.build());
  }
}
