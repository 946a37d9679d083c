package dev.hwplan.scenario.study;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.KvComparison;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.report.charts.KvCharts;
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
 * KV-cache memory against context for a model as it is and re-expressed as MHA, GQA, MQA and MLA
 * ({@link KvComparison}), with the GPU's memory for scale. Fields: {@code model} (required), {@code
 * context}, {@code batch}, {@code kvDtype}, {@code gpu}.
 */
public final class KvStudy extends StudyBase<KvStudy.Result> {
  /** The study, with the fields it reads and their defaults. */
  public KvStudy() {
    super("kv", "model");
    field("context", Map.of("from", 1024, "to", 131072, "times", 2));
    field("batch", 1);
    field("kvDtype", "bf16");
    field("gpu", "h100-sxm");
  }

  /** One point: the model at one context, each attention design. */
  public record Result(
      String model,
      long context,
      long batch,
      String kvDtype,
      String gpu,
      List<KvComparison.Row> rows) {}

  @Override
  public Result evaluate(Point p, StudyContext ctx) {
    ModelSpec m = p.model("model");
    long context = p.whole("context", 1);
    long batch = p.whole("batch", 1);
    KvDtype dtype = p.parsed("kvDtype", s -> KvDtype.parse(s, "kvDtype"));
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    return p.restating(
        () -> {
          m.checkContext(context, "--context");
          return new Result(
              m.id(),
              context,
              batch,
              dtype.key(),
              gpu.id(),
              KvComparison.compare(m, context, batch, dtype, 0, 0));
        });
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<Result> results, StudyContext ctx) {
    Tables t =
        new Tables(spec.id())
            .text("model")
            .text("design")
            .whole("kvHeads")
            .whole("context")
            .whole("batch")
            .text("kvDtype")
            .whole("bytesPerToken")
            .real("totalGiB")
            .real("ratioToMha");
    for (Result r : results) {
      for (KvComparison.Row row : r.rows()) {
        t.row(
            r.model(),
            row.variant() + (row.native_() ? " (this model)" : ""),
            row.kvHeads(),
            r.context(),
            r.batch(),
            r.kvDtype(),
            row.bytesPerToken(),
            ChartStyle.gib(row.totalBytes()),
            row.ratioToMha());
      }
    }
    Findings f = new Findings(spec);
    // One chart per (model, batch, dtype, gpu), over the swept contexts.
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      groups
          .computeIfAbsent(
              r.model() + "|" + r.batch() + "|" + r.kvDtype() + "|" + r.gpu(),
              k -> new ArrayList<>())
          .add(i);
    }
    int n = 0;
    for (List<Integer> idx : groups.values()) {
      Point first = points.get(idx.get(0));
      Result r0 = results.get(idx.get(0));
      List<Long> contexts =
          idx.stream().map(i -> results.get(i).context()).distinct().sorted().toList();
      ModelSpec m = first.model("model");
      GpuProfile gpu = first.gpu("gpu", ctx.profiles());
      KvDtype dtype = KvDtype.parse(r0.kvDtype(), "kvDtype");
      List<Long> axis = contexts.size() > 1 ? contexts : KvCharts.DEFAULT_CONTEXTS;
      String chartId = spec.id() + (groups.size() > 1 ? "-" + (++n) : "");
      f.chart(
          ReportChart.of(
              chartId,
              "KV cache of " + r0.model() + " by attention design",
              KvCharts.kvVsContext(m, gpu, axis, r0.batch(), dtype)));
      Result longest = results.get(idx.get(idx.size() - 1));
      f.sentence(describe(longest));
      f.number(longest.model() + ".bytesPerToken", nativeRow(longest).bytesPerToken());
      f.number(longest.model() + ".totalBytes", nativeRow(longest).totalBytes());
    }
    return f.result("KV cache by model, attention design and context", t.build());
  }

  private static KvComparison.Row nativeRow(Result r) {
    return r.rows().stream().filter(KvComparison.Row::native_).findFirst().orElse(r.rows().get(0));
  }

  private static String describe(Result r) {
    KvComparison.Row own = nativeRow(r);
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "**%s** at %,d tokens%s (%s): %s (its own design) needs **%.2f GiB** of KV cache, %,d B per token.",
                r.model(),
                r.context(),
                r.batch() == 1 ? "" : " × " + r.batch() + " sequences",
                r.kvDtype(),
                own.variant(),
                ChartStyle.gib(own.totalBytes()),
                own.bytesPerToken()));
    List<String> others = new ArrayList<>();
    for (KvComparison.Row row : r.rows()) {
      if (!row.native_()) {
        others.add(
            String.format(
                Locale.ROOT, "%s %.2f GiB", row.variant(), ChartStyle.gib(row.totalBytes())));
      }
    }
    if (!others.isEmpty()) {
      sb.append(" Re-expressed: ").append(String.join(", ", others)).append('.');
    }
    return sb.toString();
  }
}
