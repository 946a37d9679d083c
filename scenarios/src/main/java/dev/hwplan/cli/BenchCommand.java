package dev.hwplan.cli;

import dev.hwplan.bench.BenchSettings;
import dev.hwplan.bench.ProjectBench;
import dev.hwplan.bench.ProjectBenchmark;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.RunRecord;
import dev.hwplan.regress.ValueText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwplan bench [--out FILE] [--quick] [--json] [--machine NAME] [--commit SHA] [--date
 * ISO]}: times the project's own calculators in this JVM and writes a run record for {@code hwplan
 * regress}.
 */
@Command(
    name = "bench",
    description = {
      "Time hwplan's own calculators (KV cache, inference memory, Chinchilla optimum and fit, HF"
          + " config parsing, CPU roofline) in this JVM and write a run record.",
      "Each benchmark is warmed up, then timed in samples of batched calls; the value is the"
          + " median seconds per call, and the calibrated GPU model's prediction errors (ratio,"
          + " computed once). About 15 s (--quick: about 6 s).",
      "--json prints the run record itself, ready for hwplan regress --current."
    },
    mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
  @Mixin JsonOutput json;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the run record to FILE.")
  Path out;

  @Option(names = "--quick", description = "Shorter warm-up, fewer and shorter samples.")
  boolean quick;

  @Option(
      names = "--machine",
      paramLabel = "NAME",
      description = "Machine name in the record (default: host name and core count).")
  String machine;

  @Option(
      names = "--commit",
      paramLabel = "SHA",
      description =
          "Commit in the record (default: git rev-parse --short HEAD, or 'unknown' outside git).")
  String commit;

  @Option(
      names = "--date",
      paramLabel = "ISO",
      description = "Date in the record, ISO-8601 with zone (default: now, UTC).")
  String date;

  @Option(
      names = "--only",
      paramLabel = "NAME",
      split = ",",
      description = "Run only these benchmarks (comma-separated names).")
  List<String> only;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<ProjectBenchmark> which = selected();
    if (out != null) {
      OutputPaths.file("--out", out);
    }
    String when =
        date != null ? checkedDate(date) : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String sha = commit != null ? commit : ProjectBench.gitCommit(Path.of("."));
    String host = machine != null ? machine : ProjectBench.machine();
    BenchSettings settings = quick ? BenchSettings.QUICK : BenchSettings.FULL;
    RunRecord r;
    if (!json.enabled() && Terminal.interactive()) {
      try (ProgressBar bar = Terminal.progressBar("bench", which.size(), false)) {
        r =
            ProjectBench.run(
                which,
                settings,
                sha == null ? "unknown" : sha,
                host,
                when,
                (what, done, total) -> {
                  bar.stepTo(done);
                  bar.setExtraMessage(what);
                });
      }
    } else {
      r =
          ProjectBench.run(
              which, settings, sha == null ? "unknown" : sha, host, when, (w, d, t) -> {});
    }
    String text = IndentedJson.text(r);
    if (out != null) {
      IndentedJson.write("--out", out, text);
    }
    PrintWriter pw = spec.commandLine().getOut();
    if (json.enabled()) {
      pw.print(text);
      pw.flush();
      return Hwplan.OK;
    }
    pw.printf(
        Locale.ROOT,
        "hwplan bench: %d benchmarks, commit %s on %s, %s (%s: %d samples each)%n",
        r.benchmarks().size(),
        r.commit(),
        r.machine(),
        r.date(),
        quick ? "quick" : "full",
        settings.samples());
    for (BenchmarkResult b : r.benchmarks()) {
      if (b.samples().isEmpty()) { // computed, or one whole run: an accuracy figure, say
        pw.printf(Locale.ROOT, "  %-28s %10s%n", b.name(), ValueText.of(b.value(), b.unit()));
        continue;
      }
      double[] s = b.samplesOrValue();
      pw.printf(
          Locale.ROOT,
          "  %-28s %10s per call  (samples %s to %s)%n",
          b.name(),
          ValueText.of(b.value(), b.unit()),
          ValueText.of(Arrays.stream(s).min().orElseThrow(), b.unit()),
          ValueText.of(Arrays.stream(s).max().orElseThrow(), b.unit()));
    }
    if (out != null) {
      pw.println("Run record: " + out.toAbsolutePath());
    }
    pw.flush();
    return Hwplan.OK;
  }

  private List<ProjectBenchmark> selected() {
    if (only == null || only.isEmpty()) {
      return List.of(ProjectBenchmark.values());
    }
    List<ProjectBenchmark> out = new ArrayList<>();
    for (String name : only) {
      ProjectBenchmark b =
          Arrays.stream(ProjectBenchmark.values())
              .filter(p -> p.id().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      InvalidInputException.option(
                          "--only",
                          "no benchmark '"
                              + name
                              + "' (known: "
                              + String.join(
                                  ", ",
                                  Arrays.stream(ProjectBenchmark.values())
                                      .map(ProjectBenchmark::id)
                                      .toList())
                              + ")"));
      out.add(b);
    }
    return out;
  }

  private static String checkedDate(String d) {
    try {
      OffsetDateTime.parse(d);
      return d;
    } catch (DateTimeParseException e) {
      throw InvalidInputException.option(
          "--date", "'" + d + "' is not ISO-8601 with a zone, e.g. 2026-11-22T06:00:00Z");
    }
  }
}
