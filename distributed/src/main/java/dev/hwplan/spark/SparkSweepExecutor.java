package dev.hwplan.spark;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.sweep.SweepExecutor;
import dev.hwplan.sweep.SweepTasks;
import dev.hwplan.sweep.TaskOutcome;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Runs {@link SweepTasks} on Apache Spark: the indices {@code 0..n-1} become a dataset of {@code
 * min(n, 4 × default parallelism)} slices, each Spark task runs its indices with {@link
 * TaskOutcome#run} (the code the local executor runs) on the recipe it received, and {@code
 * collect} returns the slices in order, so the results are in index order and what is built from
 * them is the same as on one machine.
 *
 * <p>A task that throws is retried by Spark, up to {@code spark.task.maxFailures} attempts (default
 * 4); in local mode, which Spark runs without retries, the master {@code local[N]} becomes {@code
 * local[N,F]} with that number, so that retries behave as on a cluster. Bad input is not thrown but
 * returned ({@link TaskOutcome}), so it is never retried, and the first bad point by index is
 * reported with its file, field and line, as locally.
 */
public final class SparkSweepExecutor implements SweepExecutor {
  /** The engine's name, as {@code --engine} takes it. */
  public static final String NAME = "spark";

  /** Spark's own default for {@code spark.task.maxFailures}. */
  static final int DEFAULT_MAX_FAILURES = 4;

  /** Slices per core of the default parallelism: small enough to balance uneven points. */
  static final int SLICES_PER_CORE = 4;

  private static final Pattern LOCAL =
      Pattern.compile("local(?:\\[\\s*(\\*|\\d+)\\s*(?:,\\s*(\\d+)\\s*)?])?");

  /** The engine for {@link java.util.ServiceLoader}. */
  public static final class Provider implements SweepExecutor.Provider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public SweepExecutor open(Settings settings) {
      return SparkSweepExecutor.open(settings);
    }
  }

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Path parquetDir;
  private final boolean owned;
  private int sweeps;

  private SparkSweepExecutor(SparkSession spark, Path parquetDir, boolean owned) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.parquetDir = parquetDir;
    this.owned = owned;
  }

  /**
   * An executor on a session that the caller owns (a notebook's, a test's): {@link #close} leaves
   * it running.
   *
   * @param parquetDir where to write the results as Parquet, or null
   */
  public static SparkSweepExecutor on(SparkSession spark, Path parquetDir) {
    return new SparkSweepExecutor(spark, parquetDir, false);
  }

  /**
   * Starts (or joins) a Spark session. The master is {@code settings.master()}, else the one that
   * spark-submit set, else {@code local[*]}.
   *
   * @throws InvalidInputException about {@code --master} when Spark cannot parse it
   */
  public static SparkSweepExecutor open(Settings settings) {
    SparkConf conf = new SparkConf();
    String master =
        settings.master() != null
            ? settings.master().strip()
            : conf.get("spark.master", "local[*]");
    int failures = conf.getInt("spark.task.maxFailures", DEFAULT_MAX_FAILURES);
    conf.setMaster(withRetries(master, failures));
    conf.setIfMissing("spark.app.name", "hwplan");
    if (!master.startsWith("local")) {
      // The executors need hwplan's classes: this jar, when spark-submit did not ship it already.
      String jar = ownJar();
      if (jar != null && !conf.contains("spark.jars")) {
        conf.set("spark.jars", jar);
      }
    } else {
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    SparkSession s;
    try {
      s = SparkSession.builder().config(conf).getOrCreate();
    } catch (Exception e) { // Scala's checked SparkException arrives undeclared
      String m = String.valueOf(e.getMessage());
      if (master.startsWith("k8s://") && m.contains("Master URL")) {
        throw InvalidInputException.option(
            "--master",
            "'"
                + master
                + "' needs Spark's Kubernetes support (spark-kubernetes_2.13), which these Spark"
                + " jars lack: submit hwplan-spark.jar with a Spark installation that has it");
      }
      if (m.contains("Master URL") || m.contains("master URL")) {
        throw InvalidInputException.option(
            "--master",
            "Spark cannot use '"
                + master
                + "': give local[*], local[N], spark://HOST:PORT or k8s://https://HOST:PORT");
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    return new SparkSweepExecutor(s, settings.parquetDir(), true);
  }

  /**
   * {@code local}, {@code local[N]} or {@code local[*]} with {@code failures} attempts per task
   * ({@code local[N,F]}); any other master as given.
   */
  static String withRetries(String master, int failures) {
    Matcher m = LOCAL.matcher(master);
    if (!m.matches() || m.group(2) != null) {
      return master;
    }
    String threads = m.group(1) == null ? "1" : m.group(1);
    return "local[" + threads + "," + failures + "]";
  }

  private static String ownJar() {
    try {
      var src = SparkSweepExecutor.class.getProtectionDomain().getCodeSource();
      if (src == null) {
        return null;
      }
      Path p = Path.of(src.getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p.toString() : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The Spark session the tasks run on. */
  public SparkSession session() {
    return spark;
  }

  @Override
  public <R extends Serializable> List<R> execute(SweepTasks<R> tasks, Progress progress) {
    int n = tasks.size();
    if (n == 0) {
      return List.of();
    }
    List<Integer> indices = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      indices.add(i);
    }
    int slices = Math.max(1, Math.min(n, SLICES_PER_CORE * jsc.defaultParallelism()));
    AtomicLong done = new AtomicLong();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskInfo().successful()) {
              // parallelize's slice p holds indices [p*n/slices, (p+1)*n/slices)
              long p = end.taskInfo().index();
              long size = (p + 1) * n / slices - p * n / slices;
              progress.update((int) Math.min(n, done.addAndGet(size)), n);
            }
          }
        };
    spark.sparkContext().addSparkListener(listener);
    List<TaskOutcome<R>> out;
    try {
      jsc.setJobDescription(tasks.label());
      out = jsc.parallelize(indices, slices).map(new RunTask<>(tasks)).collect();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    progress.update(n, n);
    sweeps++;
    if (parquetDir != null) {
      ParquetResults.write(spark, parquetDir, sweeps, tasks, out);
    }
    return TaskOutcome.values(out);
  }

  /** One Spark task's work on one index: the recipe travels with it. */
  static final class RunTask<R extends Serializable> implements Function<Integer, TaskOutcome<R>> {
    private static final long serialVersionUID = 1L;
    private final SweepTasks<R> tasks;

    RunTask(SweepTasks<R> tasks) {
      this.tasks = tasks;
    }

    @Override
    public TaskOutcome<R> call(Integer index) {
      return TaskOutcome.run(tasks, index);
    }
  }

  /** Stops the Spark session, when {@link #open} started it. */
  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "spark (%s)", spark.sparkContext().master());
  }
}
