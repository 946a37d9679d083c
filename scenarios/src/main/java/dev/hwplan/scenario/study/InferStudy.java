package dev.hwplan.scenario.study;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.perf.Mode;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import dev.hwplan.step.Execution;
import dev.hwplan.step.OpTime;
import dev.hwplan.step.StepConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;

/**
 * Inference latency and throughput from the operator-level model ({@link InferenceEstimator}):
 * TTFT, TPOT and tokens/s against batch and context, one line per TP degree, and the decode step's
 * ops on the GPU's roofline. Fields: {@code model} (required), {@code gpu}, {@code tp}, {@code pp},
 * {@code batch}, {@code prompt}, {@code output}, {@code weightsDtype}, {@code kvDtype}, {@code
 * mla}, {@code mode}.
 */
public final class InferStudy extends StudyBase<InferenceEstimate> {
  /** The study, with the fields it reads and their defaults. */
  public InferStudy() {
    super("infer", "model");
    field("gpu", "h100-sxm");
    field("tp", 1);
    field("pp", 1);
    field("batch", 1);
    field("prompt", 1024);
    field("output", 256);
    field("weightsDtype", "bf16");
    field("kvDtype", "bf16");
    field("mla", "latent");
    field("mode", "calibrated");
  }

  @Override
  public InferenceEstimate evaluate(Point p, StudyContext ctx) {
    Deployment d = Deployment.of(p, ctx);
    MlaLayout mla = p.parsed("mla", s -> MlaLayout.parse(s, "mla"));
    Mode mode = p.parsed("mode", s -> Mode.parse(s, "mode"));
    return p.restating(
        () -> {
          long prompt = p.whole("prompt", 1);
          ModelSpec m = d.model();
          m.checkContext(prompt, "--prompt");
          m.checkContext(prompt + p.whole("output", 1), "--output");
          StepConfig c =
              new StepConfig(m, d.parallelism(), d.weights(), d.kv(), mla, Execution.FUSED);
          return InferenceEstimator.estimate(
              new InferenceRequest(
                  c,
                  d.gpu(),
                  p.whole("batch", 1),
                  p.whole("prompt", 1),
                  p.whole("output", 1),
                  mode));
        });
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<InferenceEstimate> results, StudyContext ctx) {
    Tables t =
        Tables.deployment(spec.id())
            .whole("batch")
            .whole("prompt")
            .whole("output")
            .real("ttftMs")
            .real("tpotMs")
            .real("tokensPerSecond")
            .real("memoryGiBPerGpu")
            .text("fits");
    for (InferenceEstimate e : results) {
      t.row(
          e.model(),
          e.gpu(),
          e.tp(),
          e.pp(),
          e.weightsDtype(),
          e.batch(),
          e.prompt(),
          e.output(),
          1e3 * e.ttftSeconds(),
          1e3 * e.tpotSeconds(),
          e.tokensPerSecond(),
          ChartStyle.gib(e.memoryBytesPerGpu()),
          e.fits() ? "yes" : "no");
    }
    Findings f = new Findings(spec);
    // Charts against batch (at the first prompt) and against prompt (at the first batch).
    long firstPrompt = results.get(0).prompt();
    long firstBatch = results.get(0).batch();
    List<InferenceEstimate> byBatch =
        results.stream().filter(e -> e.prompt() == firstPrompt).toList();
    List<InferenceEstimate> byPrompt =
        results.stream().filter(e -> e.batch() == firstBatch).toList();
    if (byBatch.stream().map(InferenceEstimate::batch).distinct().count() > 1) {
      f.chart(
          ReportChart.of(
              spec.id() + "-tpot-batch", "TPOT against batch", chart(byBatch, true, "tpot")));
      f.chart(
          ReportChart.of(
              spec.id() + "-throughput-batch",
              "Throughput against batch",
              chart(byBatch, true, "tput")));
    }
    if (byPrompt.stream().map(InferenceEstimate::prompt).distinct().count() > 1) {
      f.chart(
          ReportChart.of(
              spec.id() + "-ttft-prompt",
              "TTFT against prompt length",
              chart(byPrompt, false, "ttft")));
    }
    InferenceEstimate last = results.get(results.size() - 1);
    f.chart(
        ReportChart.of(
            spec.id() + "-roofline",
            "Decode-step ops on the roofline",
            roofline(last, points.get(points.size() - 1), ctx)));
    for (InferenceEstimate e : results) {
      if (e == last || results.size() <= 4) {
        f.sentence(
            String.format(
                Locale.ROOT,
                "%s on %s, TP=%d, %s weights, batch %d, %d-token prompts, %d output tokens (%s): TTFT **%.1f ms** [%.1f, %.1f], TPOT **%.2f ms** [%.2f, %.2f], **%,.0f tokens/s**%s.",
                e.model(),
                e.gpu(),
                e.tp(),
                e.weightsDtype(),
                e.batch(),
                e.prompt(),
                e.output(),
                e.mode(),
                1e3 * e.ttftSeconds(),
                1e3 * e.ttftLowSeconds(),
                1e3 * e.ttftHighSeconds(),
                1e3 * e.tpotSeconds(),
                1e3 * e.tpotLowSeconds(),
                1e3 * e.tpotHighSeconds(),
                e.tokensPerSecond(),
                e.fits() ? "" : " (does not fit in memory)"));
      }
    }
    for (InferenceEstimate e : results) {
      f.restsOn(e.notes());
    }
    f.number("ttftSeconds", last.ttftSeconds());
    f.number("tpotSeconds", last.tpotSeconds());
    f.number("tokensPerSecond", last.tokensPerSecond());
    return f.result("TTFT, TPOT and throughput", t.build());
  }

  private static XYChart chart(List<InferenceEstimate> rows, boolean againstBatch, String what) {
    String y =
        switch (what) {
          case "tpot" -> "TPOT (ms per output token, log scale)";
          case "ttft" -> "TTFT (ms, log scale)";
          default -> "throughput (output tokens/s, log scale)";
        };
    XYChart c =
        ChartStyle.logLog(
            y.substring(0, y.indexOf(" ("))
                + " against "
                + (againstBatch ? "batch" : "prompt length"),
            againstBatch ? "batch (sequences, log scale)" : "prompt (tokens, log scale)",
            y);
    Map<String, TreeMap<Long, Double>> series = new LinkedHashMap<>();
    for (InferenceEstimate e : rows) {
      String name =
          String.format(
              Locale.ROOT, "%s %s TP=%d %s", e.model(), e.gpu(), e.tp(), e.weightsDtype());
      double v =
          switch (what) {
            case "tpot" -> 1e3 * e.tpotSeconds();
            case "ttft" -> 1e3 * e.ttftSeconds();
            default -> e.tokensPerSecond();
          };
      series
          .computeIfAbsent(name, k -> new TreeMap<>())
          .put(againstBatch ? e.batch() : e.prompt(), v);
    }
    int slot = 0;
    for (Map.Entry<String, TreeMap<Long, Double>> e : series.entrySet()) {
      ChartStyle.series(c, e.getKey(), e.getValue(), slot++);
    }
    return c;
  }

  /** The decode step's ops by arithmetic intensity against achieved FLOP/s, under the roofline. */
  private static XYChart roofline(InferenceEstimate e, Point p, StudyContext ctx) {
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    XYChart c =
        ChartStyle.logLog(
            String.format(
                Locale.ROOT,
                "Decode-step ops of %s on %s (batch %d, TP=%d)",
                e.model(),
                e.gpu(),
                e.batch(),
                e.tp()),
            "arithmetic intensity (FLOP/byte, log scale)",
            "achieved (TFLOP/s, log scale)");
    double bw = gpu.memoryBandwidthBytesPerSecond();
    double peak = gpu.peakFlops(dev.hwplan.hardware.DType.BF16).orElse(1e15);
    double[] ix = ChartStyle.logSpace(0.1, 1e4, 60);
    double[] iy = new double[ix.length];
    for (int i = 0; i < ix.length; i++) {
      iy[i] = Math.min(peak, bw * ix[i]) / 1e12;
    }
    ChartStyle.limit(c.addSeries("roofline (bf16 peak, HBM bandwidth)", ix, iy));
    int slot = 0;
    Map<String, List<OpTime>> byKind = new LinkedHashMap<>();
    for (OpTime o : e.decode()) {
      if (o.flops() > 0 && o.bytes() > 0 && o.seconds() > 0) {
        byKind.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o);
      }
    }
    for (Map.Entry<String, List<OpTime>> k : byKind.entrySet()) {
      double[] x = k.getValue().stream().mapToDouble(o -> o.flops() / o.bytes()).toArray();
      double[] y = k.getValue().stream().mapToDouble(o -> o.flops() / o.seconds() / 1e12).toArray();
      ChartStyle.scatter(ChartStyle.slot(c.addSeries(k.getKey(), x, y), slot++));
    }
    return c;
  }
}
