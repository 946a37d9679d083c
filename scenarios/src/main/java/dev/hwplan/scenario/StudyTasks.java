package dev.hwplan.scenario;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.sweep.SweepTasks;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The points of one {@link DistributedStudy} as tasks that can travel: the recipe is the scenario's
 * text and the study's position in it, and task {@code i} computes point {@code i}. A JVM that
 * receives the tasks parses the scenario and expands the study's sweep once (kept for the tasks
 * that follow), so a point is evaluated from the same text, with the same defaults and the same
 * error messages (file, field, line) as where the scenario was loaded.
 *
 * @param <W> what the study's {@link DistributedStudy#compute} returns
 */
public final class StudyTasks<W extends Serializable> implements SweepTasks<W> {
  private static final long serialVersionUID = 1L;

  /**
   * Where a scenario came from, enough to rebuild it in another JVM.
   *
   * @param name the name used in messages (the path as given, or a bundled name)
   * @param text the file's text
   * @param baseDir the folder that relative paths in it resolve against, or null (bundled)
   * @param profilesDir the folder of the user's GPU profiles, or null for the bundled ones alone
   * @param quick the context's quick flag
   */
  public record Source(String name, String text, String baseDir, String profilesDir, boolean quick)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The source of {@code s}, run with user profiles from {@code profilesDir} (or none). */
    public static Source of(Scenario s, Path profilesDir, boolean quick) {
      Path base = s.studies().isEmpty() ? null : s.studies().get(0).baseDir();
      return new Source(
          s.name(),
          s.text(),
          base == null ? null : base.toString(),
          profilesDir == null ? null : profilesDir.toAbsolutePath().toString(),
          quick);
    }

    StudyContext context() {
      return new StudyContext(
          profilesDir == null
              ? ProfileCatalog.bundled()
              : ProfileCatalog.withUserProfiles(Path.of(profilesDir)),
          quick);
    }
  }

  /** What a JVM rebuilt from a recipe: the study, its points and the context. */
  record Rebuilt(ScenarioRunner.Planned<?> planned, StudyContext context) {}

  private record Key(Source source, int study) {}

  /** Recipes rebuilt in this JVM, so that each task does not parse the scenario again. */
  private static final Map<Key, Rebuilt> REBUILT = new ConcurrentHashMap<>();

  private final Source source;
  private final int study;
  private final int size;
  private transient Rebuilt rebuilt;

  /** The tasks of study {@code study} of {@code source}, already planned here as {@code local}. */
  StudyTasks(Source source, int study, Rebuilt local) {
    this.source = source;
    this.study = study;
    this.size = local.planned().points.size();
    this.rebuilt = local;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public String label() {
    return source.name() + " study " + (study + 1) + " (" + size + " points)";
  }

  @Override
  public Map<String, Object> inputs(int index) {
    return new java.util.LinkedHashMap<>(rebuilt().planned().points.get(index).values());
  }

  @Override
  public W run(int index) {
    Rebuilt r = rebuilt();
    @SuppressWarnings("unchecked")
    DistributedStudy<?, W> s = (DistributedStudy<?, W>) r.planned().study;
    return s.compute(r.planned().points.get(index), r.context());
  }

  private Rebuilt rebuilt() {
    Rebuilt r = rebuilt;
    if (r == null) {
      r = REBUILT.computeIfAbsent(new Key(source, study), StudyTasks::rebuild);
      if (REBUILT.size() > 16) {
        REBUILT.clear();
      }
      rebuilt = r;
    }
    return r;
  }

  private static Rebuilt rebuild(Key k) {
    Source src = k.source();
    Scenario s =
        Scenario.parse(
            src.name(), src.text(), src.baseDir() == null ? null : Path.of(src.baseDir()));
    ScenarioRunner.Planned<?> p = ScenarioRunner.plan(s.studies().get(k.study()));
    return new Rebuilt(p, src.context());
  }
}
