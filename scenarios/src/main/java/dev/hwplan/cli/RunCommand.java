package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.report.WrittenReport;
import dev.hwplan.scenario.Scenario;
import dev.hwplan.scenario.ScenarioRunner;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.sweep.LocalSweepExecutor;
import dev.hwplan.sweep.SweepExecutor;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwplan run SCENARIO.yaml [--out DIR] [--engine local|spark] [--master URL]}: a scenario,
 * written as a report; with {@code --engine spark} the points are evaluated on Apache Spark.
 */
@Command(
    name = "run",
    description = {
      "Run a scenario (a YAML file of studies, any field swept with lists or ranges) and write",
      "the report: index.html (self-contained), report.md, tables/*.csv, charts/*.png and *.svg.",
      "A bundled scenario can be named without a path: "
          + "default.yaml, capacity-llama70b-h100.yaml,",
      "mla-vs-gqa-memory.yaml, chinchilla-budget.yaml, regression-ci.yaml."
    },
    mixinStandardHelpOptions = true)
final class RunCommand implements Runnable {
  @Parameters(
      index = "0",
      paramLabel = "SCENARIO",
      description = "A scenario file, or a bundled name.")
  String scenario;

  @Mixin ReportOptions report;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "local",
      description =
          "Where the points are evaluated: local (this machine's cores, the default) or spark"
              + " (Apache Spark; needs the distributed module, README: Running large studies on"
              + " Spark). The report is the same.")
  String engine;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "With --engine spark: the Spark master, local[*], local[N], spark://HOST:7077 or"
              + " k8s://...; default: spark-submit's, else local[*].")
  String master;

  @Option(
      names = "--parquet",
      paramLabel = "DIR",
      description =
          "With --engine spark: also write every point's fields and result as Parquet, one"
              + " folder per study run on Spark (DIR/sweep-1, ...), for SQL over large studies.")
  Path parquet;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    Scenario s = load(scenario);
    SweepExecutor.Settings settings = new SweepExecutor.Settings(master, parquet);
    if (!LocalSweepExecutor.NAME.equals(engine)) {
      // The folder is checked before the engine starts, as it is before any work.
      OutputPaths.folder("--out", report.out == null ? Path.of("hwplan-report") : report.out);
    }
    try (SweepExecutor executor = SweepExecutor.open(engine, settings)) {
      report.execute(spec, s, executor);
    }
  }

  static Scenario load(String nameOrPath) {
    Path p;
    try {
      p = Path.of(nameOrPath);
    } catch (java.nio.file.InvalidPathException e) {
      throw new InvalidInputException(nameOrPath, "", "is not a valid path");
    }
    if (Files.exists(p)) {
      return Scenario.load(p);
    }
    if (Scenario.BUNDLED.contains(nameOrPath)) {
      return Scenario.bundled(nameOrPath);
    }
    throw new InvalidInputException(
        nameOrPath,
        "",
        "no such file, and not a bundled scenario (bundled: " + Scenario.BUNDLED + ")");
  }

  /**
   * Runs {@code s} with its points on {@code executor}, writes the report, and prints a summary (or
   * one JSON object).
   */
  static void execute(
      CommandSpec spec,
      Scenario s,
      Path out,
      boolean quick,
      ProfilesOption profiles,
      boolean json,
      SweepExecutor executor) {
    Path dir = out == null ? Path.of("hwplan-report") : out;
    // Before any work: a folder that is not hwplan's, or a place that cannot be written, is bad
    // input now, not after the scenario has run.
    OutputPaths.folder("--out", dir);
    StudyContext ctx = new StudyContext(profiles.catalog(), quick);
    String version = VersionProvider.version();
    ScenarioRunner.Outcome outcome;
    if (!json && Terminal.interactive()) {
      try (ProgressBar bar = Terminal.progressBar("hwplan run", 1, false)) {
        outcome =
            new ScenarioRunner(
                    ctx,
                    (done, total) -> {
                      synchronized (bar) {
                        bar.maxHint(total);
                        bar.stepTo(Math.max(bar.getCurrent(), done));
                      }
                    },
                    executor,
                    profiles.resolvedDir())
                .run(s, version);
      }
    } else {
      outcome =
          new ScenarioRunner(ctx, ScenarioRunner.Progress.NONE, executor, profiles.resolvedDir())
              .run(s, version);
    }
    WrittenReport written;
    try {
      written = dev.hwplan.report.ReportWriter.write(outcome.report(), dir);
    } catch (IllegalArgumentException e) {
      // The folder changed while the scenario ran (the checks above passed).
      throw InvalidInputException.option("--out", e.getMessage());
    } catch (UncheckedIOException e) {
      throw OutputPaths.notWritten("--out", dir, e);
    }
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scenario", s.name());
      m.put("title", s.title());
      m.put("out", dir.toAbsolutePath().normalize().toString());
      m.put("index", dir.resolve("index.html").toAbsolutePath().normalize().toString());
      m.put("points", outcome.points());
      List<Map<String, Object>> studies = new ArrayList<>();
      for (int i = 0; i < outcome.results().size(); i++) {
        StudyResult r = outcome.results().get(i);
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("id", s.studies().get(i).id());
        st.put("kind", s.studies().get(i).kind().key());
        st.put("summary", r.summary());
        st.put("numbers", new java.util.TreeMap<>(r.numbers()));
        st.put("notes", r.notes());
        studies.add(st);
      }
      m.put("studies", studies);
      m.put("files", written.files().stream().map(Path::toString).sorted().toList());
      JsonOutput.print(w, m);
      return;
    }
    w.println(s.title());
    for (int i = 0; i < outcome.results().size(); i++) {
      w.println();
      w.println("## " + s.studies().get(i).title());
      for (String line : outcome.results().get(i).summary()) {
        w.println("  " + line);
      }
      for (String note : outcome.results().get(i).notes()) {
        w.println("  note: " + note);
      }
    }
    w.println();
    w.printf(
        "Report (%d points, %d files): %s%n",
        outcome.points(),
        written.files().size(),
        dir.resolve("index.html").toAbsolutePath().normalize());
    w.flush();
  }
}
