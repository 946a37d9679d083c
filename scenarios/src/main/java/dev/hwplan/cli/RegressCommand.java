package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.regress.Comparison;
import dev.hwplan.regress.History;
import dev.hwplan.regress.MetricComparison;
import dev.hwplan.regress.RegressionDetector;
import dev.hwplan.regress.RegressionFiles;
import dev.hwplan.regress.RegressionSettings;
import dev.hwplan.regress.RunRecord;
import dev.hwplan.regress.ValueText;
import dev.hwplan.regress.Verdict;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwplan regress --history H.jsonl --current C.json [--out DIR] ...}: compares a run with
 * the history before it, appends it, writes trend charts and exports, and exits 1 on a regression.
 *
 * <p>The current run is appended even when it regressed: the history records what happened, and a
 * trend chart without the bad run would hide it. Since the baseline is a median over the window, a
 * single bad run barely moves it; a regression that stays becomes the new baseline after about half
 * a window of runs, which is when the check stops failing on it. {@code --no-append} compares
 * without recording (for pull requests measured against main's history).
 */
@Command(
    name = "regress",
    description = {
      "Compare a run record with the runs before it in a history (JSON Lines), append it, and"
          + " write trend charts and exports. Exit 1 when a metric regressed.",
      "A metric regresses when it is worse than the median of its baseline window by more than"
          + " --threshold and the difference is significant (Mann-Whitney U on the samples, p <"
          + " --alpha; without samples, beyond 3 robust standard deviations of the window).",
      "The run is appended even when it regressed (the history is a record); a missing history"
          + " file starts a new one."
    },
    mixinStandardHelpOptions = true)
final class RegressCommand implements Callable<Integer> {
  @Mixin JsonOutput json;

  @Option(
      names = "--history",
      required = true,
      paramLabel = "H.jsonl",
      description = "The history: one run record per line, oldest first.")
  Path history;

  @Option(
      names = "--current",
      required = true,
      paramLabel = "C.json",
      description = "This run's record (from hwplan bench).")
  Path current;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Write DIR/report/ (index.html, report.md, a trend chart per metric as PNG and SVG),"
              + " DIR/github-action-benchmark.*.json and DIR/bencher.bmf.json. DIR must be new,"
              + " empty, or written by hwplan before.")
  Path out;

  @Option(
      names = "--window",
      paramLabel = "N",
      defaultValue = "" + RegressionSettings.DEFAULT_WINDOW,
      description = "Baseline: the last N earlier runs (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--threshold",
      paramLabel = "R",
      defaultValue = "" + RegressionSettings.DEFAULT_THRESHOLD,
      description =
          "Smallest change that counts, as a fraction of the baseline median (default:"
              + " ${DEFAULT-VALUE}, i.e. 10%%).")
  double threshold;

  @Option(
      names = "--alpha",
      paramLabel = "A",
      defaultValue = "" + RegressionSettings.DEFAULT_ALPHA,
      description = "Significance level of the Mann-Whitney U test (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--min-history",
      paramLabel = "N",
      defaultValue = "" + RegressionSettings.DEFAULT_MIN_HISTORY,
      description =
          "Fewer earlier runs than N give 'insufficient-history', never a failure (default:"
              + " ${DEFAULT-VALUE}).")
  int minHistory;

  @Option(
      names = "--no-append",
      description = "Compare only; leave the history as it is (e.g. for pull requests).")
  boolean noAppend;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RegressionSettings settings = new RegressionSettings(window, threshold, alpha, minHistory);
    if (out != null) {
      try {
        RegressionFiles.check(out);
      } catch (IllegalArgumentException e) {
        throw InvalidInputException.option("--out", e.getMessage());
      }
    }
    if (!noAppend && !Files.exists(history)) {
      Path folder = history.toAbsolutePath().getParent();
      if (!Files.isDirectory(folder)) {
        throw InvalidInputException.option(
            "--history", "the folder " + folder + " does not exist; create it first");
      }
    }
    RunRecord run = RunRecord.read(current);
    List<RunRecord> earlier = History.read(history);
    Comparison c = new RegressionDetector(settings).compare(earlier, run);
    List<String> files = List.of();
    if (out != null) {
      try {
        files =
            RegressionFiles.write(out, earlier, c, !noAppend, history.toString()).stream()
                .map(p -> p.toAbsolutePath().toString())
                .toList();
      } catch (UncheckedIOException e) {
        throw OutputPaths.notWritten("--out", out, e);
      } catch (IllegalArgumentException e) {
        throw InvalidInputException.option("--out", e.getMessage());
      }
    }
    // Appended after the report is written: a run whose report failed (exit 2) is not recorded,
    // so that retrying it cannot record it twice.
    if (!noAppend) {
      History.append(history, run);
    }
    PrintWriter pw = spec.commandLine().getOut();
    if (json.enabled()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("regressed", c.anyRegressed());
      j.put("regressedMetrics", c.regressed().stream().map(MetricComparison::name).toList());
      j.put("commit", run.commit());
      j.put("machine", run.machine());
      j.put("date", run.date());
      j.put("history", history.toAbsolutePath().toString());
      j.put("historyRuns", earlier.size());
      j.put("appended", !noAppend);
      j.put("settings", settings);
      j.put("metrics", c.metrics());
      j.put("files", files);
      JsonOutput.print(pw, j);
    } else {
      text(pw, c, files);
    }
    return c.anyRegressed() ? Hwplan.CHECK_FAILED : Hwplan.OK;
  }

  private void text(PrintWriter pw, Comparison c, List<String> files) {
    RunRecord r = c.current();
    pw.printf(
        Locale.ROOT,
        "hwplan regress: %s on %s (%s) against %d earlier run%s in %s%n",
        r.commit(),
        r.machine(),
        r.date(),
        c.historyRuns(),
        c.historyRuns() == 1 ? "" : "s",
        history);
    pw.printf(
        Locale.ROOT,
        "  window %d runs, threshold %.0f%%, alpha %s%n%n",
        c.settings().window(),
        100 * c.settings().threshold(),
        c.settings().alpha());
    String row = "  %-28s %-20s %12s %12s %14s %12s%n";
    pw.printf(Locale.ROOT, row, "metric", "verdict", "this run", "baseline", "change", "evidence");
    for (MetricComparison m : c.metrics()) {
      pw.printf(
          Locale.ROOT,
          row,
          m.name(),
          m.verdict() == Verdict.REGRESSED ? "REGRESSED" : m.verdict().key(),
          ValueText.of(m.current(), m.unit()),
          m.baselineMedian() == null ? "-" : ValueText.of(m.baselineMedian(), m.unit()),
          m.worseBy() == null ? "-" : ValueText.change(m.worseBy()),
          ValueText.evidence(m));
    }
    pw.println();
    pw.println(
        noAppend ? "History: not appended (--no-append)" : "History: appended to " + history);
    if (!files.isEmpty()) {
      pw.println("Report: " + files.get(0));
    }
    if (c.anyRegressed()) {
      pw.println(
          "REGRESSION: "
              + String.join(
                  ", ",
                  c.regressed().stream()
                      .map(m -> m.name() + " (" + ValueText.change(m.worseBy()) + ")")
                      .toList()));
    } else {
      pw.println("No regression.");
    }
    pw.flush();
  }
}
