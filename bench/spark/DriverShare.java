import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.report.ReportWriter;
import dev.hwplan.scenario.Scenario;
import dev.hwplan.scenario.ScenarioRunner;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.sweep.LocalSweepExecutor;
import dev.hwplan.sweep.SweepExecutor;
import dev.hwplan.sweep.SweepTasks;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What of a study does not spread over executors: the driver's share. Runs a scenario once with
 * the local executor (everything), then twice more replaying the saved results (the tasks cost
 * nothing; what is left is planning, assembling the results and building and writing the report),
 * and prints both, per point, with the serialized size of the results (what collect brings back).
 * Usage: java -cp scenarios/target/hwplan.jar bench/spark/DriverShare.java SCENARIO.yaml
 */
public class DriverShare {
  static final class Replay implements SweepExecutor {
    List<?> saved;
    boolean replay;
    long bytes;

    @Override
    public String name() {
      return "replay";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R extends Serializable> List<R> execute(SweepTasks<R> tasks, Progress p) {
      if (!replay) {
        saved = LocalSweepExecutor.parallel().execute(tasks, p);
        try (ByteArrayOutputStream b = new ByteArrayOutputStream();
            ObjectOutputStream o = new ObjectOutputStream(b)) {
          for (Object r : saved) {
            o.writeObject(r);
            o.reset();
          }
          o.flush();
          bytes = b.size();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return (List<R>) saved;
    }
  }

  public static void main(String[] args) throws Exception {
    Scenario s = Scenario.load(Path.of(args[0]));
    StudyContext ctx = new StudyContext(ProfileCatalog.bundled(), false);
    Replay r = new Replay();
    Path out = Files.createTempDirectory("driver-share");
    double all = run(s, ctx, r, out.resolve("a"));
    r.replay = true;
    run(s, ctx, r, out.resolve("b"));
    double driver = run(s, ctx, r, out.resolve("c"));
    int n = r.saved.size();
    System.out.printf(
        Locale.ROOT,
        "points %d, cores %d: whole run %.2f s; driver's share (replayed results) %.2f s ="
            + " %.2f ms a point; results %.0f bytes a point serialized%n",
        n,
        Runtime.getRuntime().availableProcessors(),
        all,
        driver,
        1e3 * driver / n,
        (double) r.bytes / n);
  }

  static double run(Scenario s, StudyContext ctx, Replay r, Path out) {
    long t0 = System.nanoTime();
    var o = new ScenarioRunner(ctx, ScenarioRunner.Progress.NONE, r, null).run(s, "bench");
    ReportWriter.write(o.report(), out);
    return (System.nanoTime() - t0) / 1e9;
  }
}
