package dev.hwplan.sweep;

import dev.hwplan.io.InvalidInputException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Runs {@link SweepTasks} somewhere and returns their results in index order. The local executor
 * ({@link LocalSweepExecutor}) is the default; other engines are found through {@link
 * ServiceLoader} ({@code META-INF/services/dev.hwplan.sweep.SweepExecutor$Provider}), so that
 * nothing here depends on them and their libraries are needed only where they are used.
 */
public interface SweepExecutor extends AutoCloseable {
  /** The engine's name, as {@code --engine} takes it. */
  String name();

  /**
   * Runs every task and returns the results in index order.
   *
   * @throws InvalidInputException the bad input of the lowest index, when any task found one
   */
  <R extends Serializable> List<R> execute(SweepTasks<R> tasks, Progress progress);

  /** Releases what the engine holds (a Spark session); the local executor holds nothing. */
  @Override
  default void close() {}

  /** Told how many tasks are done, of how many; may be called from several threads. */
  @FunctionalInterface
  interface Progress {
    void update(int done, int total);

    /** Progress that goes nowhere. */
    Progress NONE = (done, total) -> {};
  }

  /**
   * How an engine is asked to run.
   *
   * @param master where the engine runs ({@code local[*]}, {@code spark://host:7077}, {@code
   *     k8s://...}), or null for its default
   * @param parquetDir a folder to write every task's result to as Parquet, or null
   */
  record Settings(String master, Path parquetDir) {
    /** No master, no Parquet. */
    public static final Settings DEFAULTS = new Settings(null, null);
  }

  /** An engine other than the local one, registered through {@link ServiceLoader}. */
  interface Provider {
    /** The engine's name, as {@code --engine} takes it. */
    String name();

    /** Starts the engine (or joins it); bad settings are {@link InvalidInputException}s. */
    SweepExecutor open(Settings settings);
  }

  /**
   * The engine named {@code engine}: {@code local}, or a registered provider's.
   *
   * @throws InvalidInputException about {@code --engine} when no such engine is on the class path
   */
  static SweepExecutor open(String engine, Settings settings) {
    if (LocalSweepExecutor.NAME.equals(engine)) {
      if (settings.master() != null) {
        throw InvalidInputException.option(
            "--master", "has no effect with the local engine; give --engine spark");
      }
      if (settings.parquetDir() != null) {
        throw InvalidInputException.option(
            "--parquet", "has no effect with the local engine; give --engine spark");
      }
      return LocalSweepExecutor.parallel();
    }
    TreeSet<String> known = new TreeSet<>();
    known.add(LocalSweepExecutor.NAME);
    for (Provider p : ServiceLoader.load(Provider.class, SweepExecutor.class.getClassLoader())) {
      if (p.name().equals(engine)) {
        return p.open(settings);
      }
      known.add(p.name());
    }
    if ("spark".equals(engine)) {
      throw InvalidInputException.option(
          "--engine",
          "spark: the Spark executor is not on the class path; build it with `mvn -B -Pspark -pl"
              + " distributed -am package -DskipTests` and run through ./hwplan or spark-submit"
              + " (README: Running large studies on Spark)");
    }
    throw InvalidInputException.option(
        "--engine",
        "unknown engine '" + engine + "' (known here: " + String.join(", ", known) + ")");
  }
}
