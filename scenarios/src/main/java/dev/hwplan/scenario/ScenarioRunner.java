package dev.hwplan.scenario;

import dev.hwplan.report.Report;
import dev.hwplan.report.ReportFolder;
import dev.hwplan.report.ReportWriter;
import dev.hwplan.report.Section;
import dev.hwplan.report.WrittenReport;
import dev.hwplan.sweep.IndexedTasks;
import dev.hwplan.sweep.LocalSweepExecutor;
import dev.hwplan.sweep.SweepExecutor;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a scenario: checks every study and expands its sweep first (so a mistake stops the run
 * before any work), evaluates the points of each study in parallel (those of a {@link
 * DistributedStudy} on the {@link SweepExecutor} given, the local one by default), builds one
 * report section per study from the results in point order, and writes the report atomically.
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
  private final SweepExecutor executor;
  private final Path profilesDir;

  /** Evaluates the points on this machine's cores ({@link LocalSweepExecutor}). */
  public ScenarioRunner(StudyContext context, Progress progress) {
    this(context, progress, LocalSweepExecutor.parallel(), null);
  }

  /**
   * Evaluates the points of {@link DistributedStudy distributed} studies on {@code executor}, the
   * others here.
   *
   * @param profilesDir the folder of user GPU profiles that {@code context}'s catalog holds, or
   *     null for the bundled ones alone: another JVM rebuilds the catalog from it
   */
  public ScenarioRunner(
      StudyContext context, Progress progress, SweepExecutor executor, Path profilesDir) {
    this.context = context;
    this.progress = progress;
    this.executor = executor;
    this.profilesDir = profilesDir;
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
    StudyTasks.Source source = StudyTasks.Source.of(scenario, profilesDir, context.quick());
    List<StudyResult> results = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      Planned<?> p = plans.get(i);
      long base = done.get();
      long all = total;
      SweepExecutor.Progress step = (d, n) -> progress.update(base + d, all);
      results.add(p.execute(context, executor, source, i, step));
      done.addAndGet(p.points.size());
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

  static <R> Planned<R> plan(StudySpec spec) {
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

  /** A study with its sweep expanded. */
  static final class Planned<R> {
    final StudySpec spec;
    final Study<R> study;
    final List<Point> points;

    Planned(StudySpec spec, Study<R> study, List<Point> points) {
      this.spec = spec;
      this.study = study;
      this.points = points;
    }

    StudyResult execute(
        StudyContext ctx,
        SweepExecutor executor,
        StudyTasks.Source source,
        int index,
        SweepExecutor.Progress progress) {
      List<R> results;
      if (study instanceof DistributedStudy<R, ?> d) {
        results = distributed(d, ctx, executor, source, index, progress);
      } else {
        IndexedTasks<R> tasks =
            new IndexedTasks<>() {
              @Override
              public int size() {
                return points.size();
              }

              @Override
              public R run(int i) {
                return study.evaluate(points.get(i), ctx);
              }
            };
        results = LocalSweepExecutor.parallel().run(tasks, progress);
      }
      StudyResult r = study.finish(spec, points, results, ctx);
      Section s = r.section();
      if (!s.id().equals(spec.id())) {
        throw new IllegalStateException("study " + spec.id() + " built section " + s.id());
      }
      return r;
    }

    private <W extends Serializable> List<R> distributed(
        DistributedStudy<R, W> d,
        StudyContext ctx,
        SweepExecutor executor,
        StudyTasks.Source source,
        int index,
        SweepExecutor.Progress progress) {
      StudyTasks<W> tasks = new StudyTasks<>(source, index, new StudyTasks.Rebuilt(this, ctx));
      List<W> computed = executor.execute(tasks, progress);
      // assembling is cheap but per point: on this machine's cores too
      return LocalSweepExecutor.parallel()
          .run(
              new IndexedTasks<R>() {
                @Override
                public int size() {
                  return computed.size();
                }

                @Override
                public R run(int i) {
                  return d.assemble(points.get(i), computed.get(i), ctx);
                }
              },
              SweepExecutor.Progress.NONE);
    }
  }
}
