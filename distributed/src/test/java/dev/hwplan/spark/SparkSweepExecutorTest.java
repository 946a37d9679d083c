package dev.hwplan.spark;

import static dev.hwplan.scenario.SweepFixtures.badInputMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.report.ReportWriter;
import dev.hwplan.scenario.Scenario;
import dev.hwplan.scenario.ScenarioRunner;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.SweepFixtures;
import dev.hwplan.sweep.LocalSweepExecutor;
import dev.hwplan.sweep.SweepExecutor;
import dev.hwplan.sweep.SweepTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark executor in {@code local[2]} (two threads, tasks retried up to four times): the same
 * scenario gives the local executor's report byte for byte, a task that fails once is retried and
 * the study completes, a task that always fails fails the study after four attempts, and a bad
 * point fails the study once, unretried, with the local message (file, field, line).
 */
class SparkSweepExecutorTest {
  private static final StudyContext CTX = new StudyContext(ProfileCatalog.bundled(), true);
  private static SparkSweepExecutor spark;
  private static final AtomicInteger failedTasks = new AtomicInteger();

  @BeforeAll
  static void start() {
    spark = SparkSweepExecutor.open(new SweepExecutor.Settings("local[2]", null));
    spark
        .session()
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                  failedTasks.incrementAndGet();
                }
              }
            });
  }

  @AfterAll
  static void stop() {
    spark.close();
  }

  static final String STUDY =
      """
      title: Local against Spark
      studies:
        - kind: kv
          model: llama-3.1-8b
          context: [4096, 32768]
        - kind: serve
          id: serving
          model: llama-3.1-8b
          qps: [2, 6, 12, 20, 30]
          tp: [1, 2]
          requests: 200
          promptTokens: uniform:200:1500
          outputTokens: uniform:20:200
          sloTtft: 0.5
          sloTpot: 0.05
          pricePerGpuHour: 2.5
      """;

  @Test
  void theSameScenarioGivesByteIdenticalTablesLocallyAndOnSpark(@TempDir Path tmp)
      throws Exception {
    Scenario s = Scenario.parse("study.yaml", STUDY, null);
    var local =
        new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE, LocalSweepExecutor.parallel(), null)
            .run(s, "test");
    var onSpark = new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE, spark, null).run(s, "test");
    ReportWriter.write(local.report(), tmp.resolve("local"));
    ReportWriter.write(onSpark.report(), tmp.resolve("spark"));
    SweepFixtures.assertSameFiles(
        tmp.resolve("local"), tmp.resolve("spark"), ".csv", ".md", ".html");
    List<String> rows = Files.readAllLines(tmp.resolve("spark/tables/serving.csv"));
    assertThat(rows).hasSize(1 + 10);
    assertThat(rows.get(0)).startsWith("deployment,gpus,qps,requestsPerSecond");
  }

  /** Task {@code index} 3 throws on its first attempt: what a lost executor looks like. */
  static final class FlakyTasks implements SweepTasks<Integer> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger thrown = new AtomicInteger();
    private final boolean always;

    FlakyTasks(boolean always) {
      this.always = always;
    }

    @Override
    public int size() {
      return 8;
    }

    @Override
    public Integer run(int index) {
      if (index == 3 && (always || TaskContext.get().attemptNumber() == 0)) {
        thrown.incrementAndGet();
        throw new IllegalStateException("injected failure of task 3");
      }
      return index * index;
    }
  }

  @Test
  void aTaskThatFailsOnceIsRetriedAndTheSweepCompletes() {
    FlakyTasks.thrown.set(0);
    int failedBefore = failedTasks.get();
    List<Integer> r = spark.execute(new FlakyTasks(false), SweepExecutor.Progress.NONE);
    assertThat(r).containsExactly(0, 1, 4, 9, 16, 25, 36, 49);
    assertThat(FlakyTasks.thrown.get()).isEqualTo(1);
    awaitListener();
    assertThat(failedTasks.get() - failedBefore).isEqualTo(1);
  }

  @Test
  void aTaskThatAlwaysFailsFailsTheSweepAfterFourAttempts() {
    FlakyTasks.thrown.set(0);
    assertThatThrownBy(() -> spark.execute(new FlakyTasks(true), SweepExecutor.Progress.NONE))
        .hasMessageContaining("failed 4 times")
        .hasMessageContaining("injected failure of task 3");
    assertThat(FlakyTasks.thrown.get()).isEqualTo(4);
  }

  @Test
  void aBadPointFailsTheStudyOnceWithTheLocalMessage() {
    Scenario s = Scenario.parse("bad.yaml", SweepFixtures.BAD_POINTS, null);
    int failedBefore = failedTasks.get();
    String local = badInputMessage(new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE), s);
    String onSpark =
        badInputMessage(new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE, spark, null), s);
    assertThat(local).startsWith("bad.yaml: field 'studies[0].tp': ").endsWith("(line 7)");
    assertThat(onSpark).isEqualTo(local);
    awaitListener();
    // bad input comes back as data: no Spark task failed, so none was retried
    assertThat(failedTasks.get()).isEqualTo(failedBefore);
  }

  @Test
  void resultsAreAlsoWrittenAsParquetForSql(@TempDir Path tmp) {
    Path dir = tmp.resolve("parquet");
    try (SparkSweepExecutor withParquet = SparkSweepExecutor.on(spark.session(), dir)) {
      Scenario s = Scenario.parse("study.yaml", STUDY, null);
      new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE, withParquet, null).run(s, "test");
    }
    Dataset<Row> rows = spark.session().read().parquet(dir.resolve("sweep-1").toString());
    rows.createOrReplaceTempView("serving");
    List<Row> best =
        spark
            .session()
            .sql(
                "SELECT point.tp, max(point.qps) FROM serving"
                    + " WHERE result.ttftSeconds.p99 < 0.5 AND result.tpotSeconds.p99 < 0.05"
                    + " GROUP BY point.tp ORDER BY point.tp")
            .collectAsList();
    assertThat(rows.count()).isEqualTo(10);
    assertThat(best).hasSize(2);
  }

  @Test
  void localMastersGetSparksRetries() {
    assertThat(SparkSweepExecutor.withRetries("local[2]", 4)).isEqualTo("local[2,4]");
    assertThat(SparkSweepExecutor.withRetries("local[*]", 3)).isEqualTo("local[*,3]");
    assertThat(SparkSweepExecutor.withRetries("local", 4)).isEqualTo("local[1,4]");
    assertThat(SparkSweepExecutor.withRetries("local[2,1]", 4)).isEqualTo("local[2,1]");
    assertThat(SparkSweepExecutor.withRetries("spark://h:7077", 4)).isEqualTo("spark://h:7077");
  }

  /** Listener events arrive on Spark's bus thread, shortly after the job ends. */
  private static void awaitListener() {
    try {
      spark.session().sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
