package dev.hwplan.scenario;

import static dev.hwplan.scenario.SweepFixtures.badInputMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.report.ReportWriter;
import dev.hwplan.sweep.SweepExecutor;
import dev.hwplan.sweep.SweepTasks;
import dev.hwplan.sweep.TaskOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep-execution seam: a study's points as tasks that travel. An executor here does to the
 * tasks what a distributed engine does (the tasks and each result through Java serialization, the
 * tasks in another order, each on a copy that has only the recipe), and the report is the same,
 * byte for byte, as the local executor's.
 */
class SweepSeamTest {
  private static final StudyContext CTX = new StudyContext(ProfileCatalog.bundled(), true);

  /** Serializes the tasks once per task, runs the indices last first, serializes each result. */
  static final class TravellingExecutor implements SweepExecutor {
    final AtomicInteger rebuilt = new AtomicInteger();

    @Override
    public String name() {
      return "travelling";
    }

    @Override
    public <R extends Serializable> List<R> execute(SweepTasks<R> tasks, Progress progress) {
      byte[] recipe = bytes(tasks);
      List<TaskOutcome<R>> out = new ArrayList<>();
      for (int i = 0; i < tasks.size(); i++) {
        out.add(null);
      }
      for (int i = tasks.size() - 1; i >= 0; i--) {
        @SuppressWarnings("unchecked")
        SweepTasks<R> copy = (SweepTasks<R>) object(recipe);
        rebuilt.incrementAndGet();
        @SuppressWarnings("unchecked")
        TaskOutcome<R> o = (TaskOutcome<R>) object(bytes(TaskOutcome.run(copy, i)));
        out.set(i, o);
        progress.update(tasks.size() - i, tasks.size());
      }
      return TaskOutcome.values(out);
    }
  }

  static byte[] bytes(Object o) {
    try (ByteArrayOutputStream b = new ByteArrayOutputStream();
        ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
      out.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new AssertionError("not serializable: " + o.getClass(), e);
    }
  }

  static Object object(byte[] b) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  private static final String SERVE =
      """
      title: Seam
      studies:
        - kind: memory
          model: llama-3.1-8b
          tp: [1, 2]
        - kind: serve
          model: llama-3.1-8b
          qps: [2, 8, 24]
          tp: [1, 2]
          requests: 200
          promptTokens: uniform:200:1200
          outputTokens: uniform:50:200
          sloTtft: 0.5
          sloTpot: 0.05
      """;

  @Test
  void travellingTasksGiveTheLocalReportByteForByte(@TempDir Path tmp) throws Exception {
    Scenario s = Scenario.parse("seam.yaml", SERVE, null);
    TravellingExecutor travelling = new TravellingExecutor();
    var local = new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE).run(s, "test");
    var far =
        new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE, travelling, null).run(s, "test");
    // only the serve study is distributed: 6 points, each on a copy rebuilt from the recipe
    assertThat(travelling.rebuilt.get()).isEqualTo(6);
    ReportWriter.write(local.report(), tmp.resolve("local"));
    ReportWriter.write(far.report(), tmp.resolve("far"));
    assertThat(
            SweepFixtures.assertSameFiles(tmp.resolve("local"), tmp.resolve("far"), ".csv", ".md"))
        .contains("report.md", "tables/serve-2.csv");
    // the table holds real simulations: 6 rows, the highest rate with the most requests/s per TP
    List<String> rows = Files.readAllLines(tmp.resolve("local/tables/serve-2.csv"));
    assertThat(rows).hasSize(7);
  }

  @Test
  void theFirstBadPointIsReportedWithItsLineOnEveryExecutor() {
    Scenario s = Scenario.parse("bad.yaml", SweepFixtures.BAD_POINTS, null);
    String local = badInputMessage(new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE), s);
    String far =
        badInputMessage(
            new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE, new TravellingExecutor(), null),
            s);
    // tp=3 (point 1) and tp=5 (point 2) are both bad; the first is reported, with its line
    assertThat(local)
        .startsWith("bad.yaml: field 'studies[0].tp': ")
        .contains(" 3 ")
        .endsWith("(line 7)");
    assertThat(far).isEqualTo(local);
  }

  @Test
  void aStudyOfAFileRebuildsWithTheFileFolderAndTheUsersProfiles(@TempDir Path tmp)
      throws Exception {
    Path yaml = tmp.resolve("s.yaml");
    Files.writeString(yaml, SweepFixtures.BAD_POINTS.replace("[1, 3, 5]", "1"));
    Scenario s = Scenario.load(yaml);
    StudyTasks.Source src = StudyTasks.Source.of(s, tmp, true);
    assertThat(src.baseDir()).isEqualTo(tmp.toAbsolutePath().toString());
    assertThat(src.profilesDir()).isEqualTo(tmp.toAbsolutePath().toString());
    assertThat(src.text()).isEqualTo(Files.readString(yaml));
    assertThatThrownBy(() -> Scenario.parse("x.yaml", "title: [", null))
        .isInstanceOf(InvalidInputException.class);
  }
}
