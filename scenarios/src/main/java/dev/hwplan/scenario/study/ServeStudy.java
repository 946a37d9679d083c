package dev.hwplan.scenario.study;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.scenario.DistributedStudy;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.ServingResult;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepTimeTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;

/**
 * The serving simulation ({@code hwplan serve}) over a sweep: latency percentiles and goodput
 * against the request rate with the objectives drawn in (where a deployment's knee is), a capacity
 * table (GPUs, the highest rate of the sweep within the objectives, $/hour and $ per million output
 * tokens where {@code pricePerGpuHour} is given), and batch size and KV use over time for one run.
 * Fields: {@code model} (required), {@code qps} (required), {@code gpu}, {@code tp}, {@code pp},
 * {@code replicas}, {@code weightsDtype}, {@code kvDtype}, {@code policy}, {@code promptTokens},
 * {@code outputTokens} (DIST as on the command line), {@code burstiness}, {@code requests}, {@code
 * seed}, {@code sloTtft}, {@code sloTpot} (seconds, p99), {@code pricePerGpuHour}; and, as the
 * {@code serve} flags of the same names in camelCase: {@code routing}, {@code prefixCaching} (true
 * or false; default the policy's), {@code sharedPrefixTokens}, {@code sharedPrefixFraction}, {@code
 * sharedPrefixes}, {@code turns}, {@code thinkTime} (the workload's shared prefixes and
 * conversations), {@code speculativeMethod}, {@code numSpeculativeTokens}, {@code acceptanceRate},
 * {@code speculativeModel} (speculative decoding), {@code prefillReplicas}, {@code decodeReplicas},
 * {@code prefillGpu}, {@code prefillTp}, {@code kvLink} (prefill/decode disaggregation, instead of
 * {@code replicas}), {@code ep} (expert-parallel ranks of a replica). A bad value names its field
 * and line ({@link ServePoint} reads a point).
 */
public final class ServeStudy extends StudyBase<ServeStudy.Run>
    implements DistributedStudy<ServeStudy.Run, ServingResult> {
  /** The study, with the fields it reads and their defaults. */
  public ServeStudy() {
    super("serve", "model", "qps");
    field("gpu", "h100-sxm");
    field("tp", 1);
    field("pp", 1);
    field("replicas", null); // 1, unless prefillReplicas and decodeReplicas split the deployment
    field("weightsDtype", "bf16");
    field("kvDtype", "bf16");
    field("policy", "vllm");
    field("promptTokens", "1024");
    field("outputTokens", "256");
    field("burstiness", 1);
    field("requests", 1000);
    field("seed", 0);
    field("sloTtft", null);
    field("sloTpot", null);
    field("pricePerGpuHour", null);
    for (String f : NEWER) {
      field(f, null);
    }
  }

  /** One simulated point. */
  public record Run(
      ServingPlan plan, double qps, Double price, ServingResult result, String options) {
    String deployment() {
      StepConfig c = plan.step();
      Parallelism p = c.parallelism();
      return String.format(
              Locale.ROOT,
              "%s %dx%s TP=%d%s%s %s/%s %s",
              c.model().id(),
              plan.replicas(),
              plan.gpu().id(),
              p.tp(),
              p.pp() > 1 ? " PP=" + p.pp() : "",
              p.ep() > 1 ? " EP=" + p.ep() : p.expertsOnTp() && p.tp() > 1 ? " EP=TP" : "",
              c.weights().key(),
              c.kv().key(),
              plan.engine().policy().key())
          + options;
    }
  }

  /** Step-time tables by deployment, one set per evaluating thread (tables are not shared). */
  private static final ThreadLocal<Map<String, StepTimeTable>> TABLES =
      ThreadLocal.withInitial(HashMap::new);

  /** Fields of the newer serving features; absent, the point is served as before them. */
  private static final List<String> NEWER =
      List.of(
          "routing",
          "prefixCaching",
          "sharedPrefixTokens",
          "sharedPrefixFraction",
          "sharedPrefixes",
          "turns",
          "thinkTime",
          "speculativeMethod",
          "numSpeculativeTokens",
          "acceptanceRate",
          "speculativeModel",
          "prefillReplicas",
          "decodeReplicas",
          "prefillGpu",
          "prefillTp",
          "kvLink",
          "ep",
          "enableExpertParallel",
          "maxNumBatchedTokens",
          "maxNumSeqs",
          "blockSize",
          "gpuMemUtil",
          "preemption",
          "engineOverheadMs");

  /** The simulation of the point: the costly part, which a Spark executor runs. */
  @Override
  public ServingResult compute(Point p, StudyContext ctx) {
    ServePoint r = ServePoint.of(p, ctx);
    try {
      StepTimeTable table =
          TABLES.get().computeIfAbsent(r.key(), k -> r.plan().stepModel().table());
      return r.plan().simulate(table, r.workload(), r.ttft(), r.tpot());
    } catch (InvalidInputException e) {
      throw ServePoint.restate(p, e);
    }
  }

  @Override
  public Run assemble(Point p, ServingResult result, StudyContext ctx) {
    ServePoint r = ServePoint.of(p, ctx);
    return new Run(r.plan(), r.qps(), r.price(), result, r.options());
  }

  @Override
  public StudyResult finish(StudySpec spec, List<Point> points, List<Run> runs, StudyContext ctx) {
    Point first = points.get(0);
    double ttft = first.has("sloTtft") ? first.positive("sloTtft") : 0;
    double tpot = first.has("sloTpot") ? first.positive("sloTpot") : 0;
    Tables t =
        new Tables(spec.id())
            .text("deployment")
            .whole("gpus")
            .real("qps")
            .real("requestsPerSecond")
            .real("ttftP50Ms")
            .real("ttftP99Ms")
            .real("tpotP50Ms")
            .real("tpotP99Ms")
            .real("itlP99Ms")
            .real("e2eP99S")
            .real("goodputRps")
            .real("sloAttainment")
            .whole("preemptions")
            .real("meanBatch");
    Map<String, List<Run>> byDeployment = new LinkedHashMap<>();
    for (Run r : runs) {
      ServingResult s = r.result();
      t.row(
          r.deployment(),
          r.plan().gpus(),
          r.qps(),
          s.requestsPerSecond(),
          1e3 * s.ttftSeconds().p50(),
          1e3 * s.ttftSeconds().p99(),
          1e3 * s.tpotSeconds().p50(),
          1e3 * s.tpotSeconds().p99(),
          1e3 * s.itlSeconds().p99(),
          s.e2eSeconds().p99(),
          s.goodputRequestsPerSecond() == null ? Double.NaN : s.goodputRequestsPerSecond(),
          s.sloAttainment() == null ? Double.NaN : s.sloAttainment(),
          s.preemptions(),
          s.meanBatchSize());
      byDeployment.computeIfAbsent(r.deployment(), k -> new ArrayList<>()).add(r);
    }
    Findings f = new Findings(spec);
    for (Run r : runs) {
      f.restsOn(r.plan().notes());
    }
    f.chart(
        ReportChart.of(
            spec.id() + "-ttft",
            "p99 TTFT against the request rate",
            latency(byDeployment, true, ttft)));
    f.chart(
        ReportChart.of(
            spec.id() + "-tpot",
            "p99 TPOT against the request rate",
            latency(byDeployment, false, tpot)));
    // capacity: the highest swept rate within the objectives, per deployment
    Tables cap =
        new Tables(spec.id() + "-capacity")
            .text("deployment")
            .whole("gpus")
            .real("maxQpsInSweep")
            .real("outputTokensPerSecond")
            .real("dollarsPerHour")
            .real("dollarsPerMillionOutputTokens");
    Run timelineRun = runs.get(runs.size() - 1);
    for (Map.Entry<String, List<Run>> e : byDeployment.entrySet()) {
      Run best = null;
      for (Run r : e.getValue()) {
        if (meets(r.result(), ttft, tpot) && (best == null || r.qps() > best.qps())) {
          best = r;
        }
      }
      Run any = e.getValue().get(0);
      double perHour = any.price() == null ? Double.NaN : any.price() * any.plan().gpus();
      double tokS = best == null ? Double.NaN : best.result().outputTokensPerSecond();
      cap.row(
          e.getKey(),
          any.plan().gpus(),
          best == null ? Double.NaN : best.qps(),
          tokS,
          perHour,
          perHour / (tokS * 3600) * 1e6);
      String line =
          best == null
              ? e.getKey() + ": no swept rate meets the objectives."
              : String.format(
                  Locale.ROOT,
                  "%s (%d GPUs): up to %.2f req/s of the sweep within the objectives"
                      + " (p99 TTFT %.0f ms, p99 TPOT %.1f ms there).",
                  e.getKey(),
                  any.plan().gpus(),
                  best.qps(),
                  1e3 * best.result().ttftSeconds().p99(),
                  1e3 * best.result().tpotSeconds().p99());
      f.text(line);
      f.summary(line);
      if (best != null) {
        timelineRun = best;
        f.number(e.getKey() + " maxQps", best.qps());
      }
    }
    f.table(spec.id(), "Latency percentiles, throughput and goodput by rate", t.build());
    f.table(spec.id() + "-capacity", "Capacity within the objectives", cap.build());
    f.chart(
        ReportChart.of(
            spec.id() + "-timeline",
            "Batch size and KV-cache use over time",
            timeline(timelineRun)));
    return f.result();
  }

  private static boolean meets(ServingResult r, double ttft, double tpot) {
    return !(ttft > 0 && r.ttftSeconds().p99() > ttft)
        && !(tpot > 0 && r.tpotSeconds().p99() > tpot);
  }

  private static XYChart latency(Map<String, List<Run>> byDeployment, boolean ttft, double slo) {
    String what = ttft ? "TTFT" : "TPOT";
    XYChart c =
        ChartStyle.xy(
            "p99 " + what + " against the request rate",
            "request rate (req/s)",
            "p99 " + what + " (ms, log scale)");
    c.getStyler().setYAxisLogarithmic(true);
    int slot = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (Map.Entry<String, List<Run>> e : byDeployment.entrySet()) {
      TreeMap<Double, Double> s = new TreeMap<>();
      for (Run r : e.getValue()) {
        ServingResult.Percentiles p = ttft ? r.result().ttftSeconds() : r.result().tpotSeconds();
        s.put(r.qps(), Math.max(1e-3, 1e3 * p.p99()));
        lo = Math.min(lo, r.qps());
        hi = Math.max(hi, r.qps());
      }
      ChartStyle.series(c, e.getKey(), s, slot++);
    }
    if (slo > 0 && hi > lo) {
      ChartStyle.limit(
          c.addSeries(
              String.format(Locale.ROOT, "objective (%.0f ms)", 1e3 * slo),
              new double[] {lo, hi},
              new double[] {1e3 * slo, 1e3 * slo}));
    }
    return c;
  }

  private static XYChart timeline(Run r) {
    XYChart c =
        ChartStyle.xy(
            String.format(
                Locale.ROOT,
                "One run over time: %s at %.2f req/s (replica 0)",
                r.deployment(),
                r.qps()),
            "simulated time (s)",
            "batch size (sequences) and KV use (% of blocks)");
    List<ServingResult.TimelinePoint> pts = r.result().timeline();
    if (pts.isEmpty()) {
      return c;
    }
    double[] x = new double[pts.size()];
    double[] b = new double[pts.size()];
    double[] kv = new double[pts.size()];
    for (int i = 0; i < pts.size(); i++) {
      ServingResult.TimelinePoint p = pts.get(i);
      x[i] = p.timeSeconds() + p.widthSeconds() / 2;
      b[i] = p.batchSize();
      kv[i] = 100 * p.kvBlocksUsedFraction();
    }
    ChartStyle.slot(c.addSeries("batch size", x, b), 0);
    ChartStyle.slot(c.addSeries("KV blocks in use (%)", x, kv), 1);
    return c;
  }
}
