package dev.hwplan.scenario.study;

import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.report.charts.MemoryCharts;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inference memory per GPU: weights, activations, reserve and the KV budget, and how many
 * concurrent sequences fit ({@link InferenceMemoryCalculator}). Fields: {@code model} (required),
 * {@code gpu}, {@code tp}, {@code pp}, {@code weightsDtype}, {@code kvDtype}, {@code context},
 * {@code gpuMemUtil}.
 */
public final class MemoryStudy extends StudyBase<MemoryStudy.Result> {
  /** The study, with the fields it reads and their defaults. */
  public MemoryStudy() {
    super("memory", "model");
    field("gpu", "h100-sxm");
    field("tp", 1);
    field("pp", 1);
    field("weightsDtype", "bf16");
    field("kvDtype", "bf16");
    field("context", 8192);
    field("gpuMemUtil", 0.9);
  }

  /** One point. */
  public record Result(InferenceMemory memory) {}

  @Override
  public Result evaluate(Point p, StudyContext ctx) {
    Deployment d = Deployment.of(p, ctx);
    long context = p.whole("context", 1);
    double util = p.positive("gpuMemUtil");
    return p.restating(
        () -> {
          d.model().checkContext(context, "--context");
          return new Result(
              InferenceMemoryCalculator.compute(
                  new InferenceMemoryCalculator.Request(
                      d.model(),
                      d.gpu(),
                      d.parallelism(),
                      d.weights(),
                      new KvCacheCalculator.Options(
                          d.kv(), MlaLayout.LATENT, KvCacheCalculator.DEFAULT_BLOCK_SIZE),
                      context,
                      util,
                      InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
                      InferenceMemoryCalculator.DEFAULT_MAX_BATCHED_TOKENS)));
        });
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<Result> results, StudyContext ctx) {
    Tables t =
        Tables.deployment(spec.id())
            .text("kv")
            .whole("context")
            .real("weightsGiBPerGpu")
            .real("kvBudgetGiBPerGpu")
            .real("kvGiBPerSequence")
            .whole("maxSequences")
            .text("fits");
    for (Result r : results) {
      InferenceMemory m = r.memory();
      t.row(
          m.model(),
          m.gpu(),
          m.tp(),
          m.pp(),
          m.weightsDtype(),
          m.kvDtype(),
          m.context(),
          ChartStyle.gib(m.weightBytes()),
          ChartStyle.gib(Math.max(0, m.kvBudgetBytes())),
          ChartStyle.gib(m.bytesPerSequence()),
          m.maxSequences(),
          m.fits() ? "yes" : "no");
    }
    Findings f = new Findings(spec);
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < results.size(); i++) {
      InferenceMemory m = results.get(i).memory();
      groups
          .computeIfAbsent(
              String.join(
                  "|",
                  m.model(),
                  m.gpu(),
                  m.weightsDtype(),
                  m.kvDtype(),
                  Long.toString(m.context()),
                  Long.toString(m.pp()),
                  Double.toString(m.gpuMemUtil())),
              k -> new ArrayList<>())
          .add(i);
    }
    int n = 0;
    // A chart compares TP degrees; a study that sweeps none draws its first group only.
    boolean anyTpSweep =
        groups.values().stream()
            .anyMatch(
                idx -> idx.stream().map(i -> results.get(i).memory().tp()).distinct().count() > 1);
    boolean drawn = false;
    for (List<Integer> idx : groups.values()) {
      Point first = points.get(idx.get(0));
      InferenceMemory m0 = results.get(idx.get(0)).memory();
      List<Integer> tps =
          idx.stream().map(i -> results.get(i).memory().tp()).distinct().sorted().toList();
      boolean draw = m0.pp() == 1 && (anyTpSweep ? tps.size() > 1 : !drawn);
      if (draw) {
        drawn = true;
        String chartId = spec.id() + (groups.size() > 1 ? "-" + (++n) : "");
        f.chart(
            ReportChart.of(
                chartId,
                m0.model() + " on " + m0.gpu() + ": memory per GPU against sequences",
                MemoryCharts.memoryVsSequences(
                    first.model("model"),
                    first.gpu("gpu", ctx.profiles()),
                    tps,
                    WeightDtype.parse(m0.weightsDtype(), "weightsDtype"),
                    new KvCacheCalculator.Options(
                        KvDtype.parse(m0.kvDtype(), "kvDtype"),
                        MlaLayout.LATENT,
                        KvCacheCalculator.DEFAULT_BLOCK_SIZE,
                        Parallelism.single()),
                    m0.context(),
                    MemoryCharts.DEFAULT_SEQUENCES,
                    m0.gpuMemUtil())));
      }
      f.sentence(describe(idx.stream().map(i -> results.get(i).memory()).toList()));
      for (int i : idx) {
        InferenceMemory m = results.get(i).memory();
        f.number(
            String.format(
                Locale.ROOT,
                "%s.%s.tp%d.%s.maxSequences",
                m.model(),
                m.gpu(),
                m.tp(),
                m.weightsDtype()),
            m.maxSequences());
      }
    }
    return f.result("Memory per GPU and the sequences that fit", t.build());
  }

  private static String describe(List<InferenceMemory> group) {
    InferenceMemory m0 = group.get(0);
    List<String> parts = new ArrayList<>();
    for (InferenceMemory m : group) {
      parts.add(
          m.fits()
              ? String.format(
                  Locale.ROOT,
                  "TP=%d: %,d sequences (weights %.1f GiB/GPU)",
                  m.tp(),
                  m.maxSequences(),
                  ChartStyle.gib(m.weightBytes()))
              : String.format(
                  Locale.ROOT,
                  "TP=%d: does not fit (weights %.1f GiB/GPU)",
                  m.tp(),
                  ChartStyle.gib(m.weightBytes())));
    }
    return String.format(
        Locale.ROOT,
        "**%s on %s**, %s weights, %s KV, %,d-token sequences%s, %.1f GiB usable (%.0f%% of %.0f"
            + " GiB): %s.",
        m0.model(),
        m0.gpu(),
        m0.weightsDtype(),
        m0.kvDtype(),
        m0.context(),
        m0.pp() > 1 ? ", PP=" + m0.pp() : "",
        ChartStyle.gib(m0.usableBytes()),
        100 * m0.gpuMemUtil(),
        ChartStyle.gib(m0.capacityBytes()),
        String.join("; ", parts));
  }
}
