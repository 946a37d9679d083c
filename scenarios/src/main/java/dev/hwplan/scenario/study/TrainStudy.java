package dev.hwplan.scenario.study;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import dev.hwplan.step.Execution;
import dev.hwplan.training.LayoutSearch;
import dev.hwplan.training.PlanCost;
import dev.hwplan.training.Precision;
import dev.hwplan.training.TrainingJob;
import dev.hwplan.training.TrainingPlan;
import dev.hwplan.training.TrainingPlanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;

/**
 * The training planner ({@code hwplan train}) over a sweep of GPU counts: the fastest layout that
 * fits at each point, a Pareto chart of step time against GPUs, and the memory and time breakdowns
 * of the best layouts. Fields: {@code model}, {@code gpus}, {@code globalBatch} (required), {@code
 * gpu} (h100-sxm; its bundled cluster), {@code seq} (8192), {@code precision} (bf16-fp32-master),
 * {@code tokens} and {@code pricePerGpuHour} (optional: days, GPU-hours and cost).
 */
public final class TrainStudy extends StudyBase<TrainStudy.Run> {
  /** The study, with the fields it reads and their defaults. */
  public TrainStudy() {
    super("train", "model", "gpus", "globalBatch");
    field("gpu", "h100-sxm");
    field("seq", 8192);
    field("precision", "bf16-fp32-master");
    field("tokens", null);
    field("pricePerGpuHour", null);
  }

  /** One point: the search's best plan (null when nothing fits) and what was searched. */
  public record Run(
      String model,
      String gpu,
      int gpus,
      long seq,
      long globalBatch,
      TrainingPlan best,
      long evaluated,
      long fitting,
      Double tokens,
      Double price) {
    String series() {
      return model + " on " + gpu;
    }
  }

  /** The bundled cluster of {@code gpu}'s nodes; none is bad input about the field {@code gpu}. */
  static ClusterProfile cluster(Point p, GpuProfile gpu) {
    ClusterProfile c = ClusterCatalog.forGpu(gpu.id());
    if (c == null) {
      throw p.error("gpu", "no bundled cluster has " + gpu.id() + " nodes");
    }
    return c;
  }

  @Override
  public Run evaluate(Point p, StudyContext ctx) {
    ModelSpec m = p.model("model");
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    ClusterProfile c = cluster(p, gpu);
    return p.restating(
        () -> {
          int gpus = (int) p.whole("gpus", 1);
          long seq = p.whole("seq", 1);
          m.checkContext(seq, "seq");
          long batch = p.whole("globalBatch", 1);
          Precision prec = p.parsed("precision", s -> Precision.parse(s, "precision"));
          TrainingJob job =
              new TrainingJob(m, seq, batch, prec, true, false, false, Execution.FUSED, true);
          TrainingPlanner planner = TrainingPlanner.calibrated(job, gpu, c, gpus);
          LayoutSearch.Result r = LayoutSearch.search(planner, LayoutSearch.Constraints.none(), 1);
          Double tokens = p.has("tokens") ? p.positive("tokens") : null;
          Double price = p.has("pricePerGpuHour") ? p.positive("pricePerGpuHour") : null;
          return new Run(
              m.id(),
              gpu.id(),
              gpus,
              seq,
              batch,
              r.ranked().isEmpty() ? null : r.ranked().get(0),
              r.evaluated(),
              r.fitting(),
              tokens,
              price);
        });
  }

  private static final double GIB = 1L << 30;

  /** A real column of a breakdown table: its name and its value in a plan. */
  private record Part(String column, ToDoubleFunction<TrainingPlan> value) {}

  /** Where the memory per GPU goes, in GiB. */
  private static final List<Part> MEMORY =
      List.of(
          new Part("weightsGiB", p -> p.memory().weightBytes() / GIB),
          new Part("gradientsGiB", p -> p.memory().gradientBytes() / GIB),
          new Part("optimizerGiB", p -> p.memory().optimizerBytes() / GIB),
          new Part("activationsGiB", p -> p.memory().activationBytes() / GIB),
          new Part("logitsGiB", p -> p.memory().logitsBytes() / GIB),
          new Part("buffersGiB", p -> p.memory().bufferBytes() / GIB),
          new Part("allocatorGiB", p -> p.memory().allocatorBytes() / GIB),
          new Part("totalGiB", p -> p.memory().total() / GIB));

  /** Where a step's time goes, in seconds. */
  private static final List<Part> TIME =
      List.of(
          new Part("computeS", p -> p.time().computeSeconds()),
          new Part("recomputeS", p -> p.time().recomputeSeconds()),
          new Part("tpCommS", p -> p.time().tpCommSeconds()),
          new Part("cpCommS", p -> p.time().cpCommSeconds()),
          new Part("epCommS", p -> p.time().epCommSeconds()),
          new Part("ppCommS", p -> p.time().ppCommSeconds()),
          new Part("bubbleS", p -> p.time().bubbleSeconds()),
          new Part("dpExposedS", p -> p.time().dpCommSeconds()),
          new Part("overlapSlowdownS", p -> p.time().overlapSlowdownSeconds()),
          new Part("optimizerS", p -> p.time().optimizerSeconds()),
          new Part("stepS", TrainingPlan::stepSeconds));

  /** A table of one layout a row: the model, the GPUs and the layout, then {@code parts}. */
  private static Tables layoutTable(String id, List<Part> parts) {
    Tables t = new Tables(id).text("model").whole("gpus").text("layout");
    for (Part part : parts) {
      t.real(part.column());
    }
    return t;
  }

  /** Appends {@code plan}'s row of {@code parts} to a {@link #layoutTable}. */
  private static void layoutRow(Tables t, Run r, TrainingPlan plan, List<Part> parts) {
    List<Object> row = new ArrayList<>(List.of(r.model(), r.gpus(), plan.label()));
    for (Part part : parts) {
      row.add(part.value().applyAsDouble(plan));
    }
    t.row(row.toArray());
  }

  @Override
  public StudyResult finish(StudySpec spec, List<Point> points, List<Run> runs, StudyContext ctx) {
    Tables best =
        new Tables(spec.id())
            .text("model")
            .text("gpu")
            .whole("gpus")
            .whole("seq")
            .whole("globalBatch")
            .text("layout")
            .real("stepSeconds")
            .real("mfu")
            .real("tokensPerSecond")
            .real("peakGiB")
            .real("trainDays")
            .real("gpuHours")
            .real("cost");
    Tables mem = layoutTable(spec.id() + "-memory", MEMORY);
    Tables time = layoutTable(spec.id() + "-time", TIME);
    Findings f = new Findings(spec);
    Map<String, TreeMap<Integer, Double>> pareto = new LinkedHashMap<>();
    for (Run r : runs) {
      TrainingPlan b = r.best();
      if (b == null) {
        best.partialRow(r.model(), r.gpu(), r.gpus(), r.seq(), r.globalBatch(), "no layout fits");
        continue;
      }
      PlanCost c = r.tokens() == null ? null : PlanCost.of(b, r.gpus(), r.tokens(), r.price());
      best.row(
          r.model(),
          r.gpu(),
          r.gpus(),
          r.seq(),
          r.globalBatch(),
          b.label(),
          b.stepSeconds(),
          b.mfu(),
          b.tokensPerSecond(),
          b.peakBytesPerGpu() / GIB,
          c == null ? Double.NaN : c.trainDays(),
          c == null ? Double.NaN : c.gpuHours(),
          c == null || c.cost() == null ? Double.NaN : c.cost());
      layoutRow(mem, r, b, MEMORY);
      layoutRow(time, r, b, TIME);
      pareto
          .computeIfAbsent(r.series(), k -> new TreeMap<>())
          .merge(r.gpus(), b.stepSeconds(), Math::min);
      String line =
          String.format(
              Locale.ROOT,
              "%s on %,d %s, %,d-token sequences, batch %,d: %s, step %.2f s, MFU %.1f%%%s.",
              r.model(),
              r.gpus(),
              r.gpu(),
              r.seq(),
              r.globalBatch(),
              b.label(),
              b.stepSeconds(),
              100 * b.mfu(),
              c == null
                  ? ""
                  : String.format(
                      Locale.ROOT, ", %.3g tokens in %.1f days", c.tokens(), c.trainDays()));
      f.summary(line);
      f.restsOn(b.notes());
      f.number(r.series() + " " + r.gpus() + " stepSeconds", b.stepSeconds());
      f.number(r.series() + " " + r.gpus() + " mfu", b.mfu());
    }
    f.summaryAsText();
    f.chart(
        ReportChart.of(
            spec.id() + "-pareto", "Step time of the fastest layout against GPUs", chart(pareto)));
    f.table(spec.id(), "The fastest layout that fits, by GPU count", best.build());
    f.table(spec.id() + "-memory", "Memory per GPU of the fastest layouts (GiB)", mem.build());
    f.table(
        spec.id() + "-time", "Where the step time of the fastest layouts goes (s)", time.build());
    return f.result();
  }

  private static XYChart chart(Map<String, TreeMap<Integer, Double>> pareto) {
    XYChart c =
        ChartStyle.logLog("Step time against GPUs", "GPUs (log scale)", "step time (s, log scale)");
    int slot = 0;
    for (Map.Entry<String, TreeMap<Integer, Double>> e : pareto.entrySet()) {
      ChartStyle.series(c, e.getKey(), e.getValue(), slot++);
    }
    return c;
  }
}
