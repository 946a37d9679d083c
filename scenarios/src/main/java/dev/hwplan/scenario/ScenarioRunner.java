package dev.hwplan.scenario;

import dev.hwplan.report.Report;
import dev.hwplan.report.ReportFolder;
import dev.hwplan.report.ReportWriter;
import dev.hwplan.report.Section;
import dev.hwplan.report.WrittenReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Runs a scenario: checks every study and expands its sweep first (so a mistake stops the run
 * before any work), evaluates the points of each study in parallel, builds one report section per
 * study, and writes the report atomically.
 */
public final class ScenarioRunner {
  /** Told how many points are done, of how many. Called from several threads. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);

    /** Progress that goes nowhere. */
    Progress NONE = (done, total) -> {};
  }

  /**
   * What a run produced.
   *
   * @param report the report
   * @param results each study's result, in order
   * @param points points evaluated over all studies
   */
  public record Outcome(Report report, List<StudyResult> results, long points) {}

  private final StudyContext context;
  private final Progress progress;

  public ScenarioRunner(StudyContext context, Progress progress) {
    this.context = context;
    this.progress = progress;
  }

  /** Runs every study and builds the report; writes nothing. */
  public Outcome run(Scenario scenario, String version) {
    List<Planned<?>> plans = new ArrayList<>();
    long total = 0;
    for (StudySpec spec : scenario.studies()) {
      Planned<?> p = plan(spec);
      plans.add(p);
      total += p.points.size();
    }
    AtomicLong done = new AtomicLong();
    progress.update(0, total);
    List<StudyResult> results = new ArrayList<>();
    for (Planned<?> p : plans) {
      results.add(p.execute(context, done, total, progress));
    }
    Report.Builder b = Report.builder(scenario.title());
    if (!scenario.description().isBlank()) {
      b.subtitle(scenario.description());
    }
    b.meta("scenario", scenario.name());
    b.meta("studies", Integer.toString(plans.size()));
    b.meta("points evaluated", Long.toString(total));
    b.meta("hwplan", version);
    for (StudyResult r : results) {
      b.section(r.section());
    }
    return new Outcome(b.build(), List.copyOf(results), total);
  }

  /**
   * Runs the scenario and writes the report into {@code outDir}, replacing it atomically. {@code
   * outDir} is checked first ({@link ReportFolder#check}), so a folder that may not be written
   * costs no work.
   *
   * @throws IllegalArgumentException when {@code outDir} may not be written
   */
  public WrittenReport runAndWrite(Scenario scenario, String version, Path outDir) {
    ReportFolder.check(outDir);
    return ReportWriter.write(run(scenario, version).report(), outDir);
  }

  private static <R> Planned<R> plan(StudySpec spec) {
    @SuppressWarnings("unchecked")
    Study<R> study = (Study<R>) spec.kind().create();
    Map<String, Object> defaults = new LinkedHashMap<>(study.defaults());
    java.util.Set<String> known = new java.util.HashSet<>(defaults.keySet());
    known.addAll(study.required());
    for (String r : study.required()) {
      if (!spec.fields().containsKey(r)) {
        throw spec.error(r, "is required by a '" + spec.kind() + "' study");
      }
    }
    return new Planned<>(spec, study, spec.points(defaults, known));
  }

  private static final class Planned<R> {
    final StudySpec spec;
    final Study<R> study;
    final List<Point> points;

    Planned(StudySpec spec, Study<R> study, List<Point> points) {
      this.spec = spec;
      this.study = study;
      this.points = points;
    }

    StudyResult execute(StudyContext ctx, AtomicLong done, long total, Progress progress) {
      Object[] out = new Object[points.size()];
      IntStream.range(0, points.size())
          .parallel()
          .forEach(
              i -> {
                out[i] = study.evaluate(points.get(i), ctx);
                progress.update(done.incrementAndGet(), total);
              });
      @SuppressWarnings("unchecked")
      List<R> results = (List<R>) (List<?>) Arrays.asList(out);
      StudyResult r = study.finish(spec, points, results, ctx);
      Section s = r.section();
      if (!s.id().equals(spec.id())) {
        throw new IllegalStateException("study " + spec.id() + " built section " + s.id());
      }
      return r;
    }
  }
}
