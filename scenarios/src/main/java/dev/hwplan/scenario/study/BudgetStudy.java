package dev.hwplan.scenario.study;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.TrainingCost;
import dev.hwplan.scaling.TrainingFlops;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * "Which model should we train for this budget?": a budget given as {@code gpuHours}, {@code cost}
 * (with {@code pricePerGpuHour}), {@code days} (with {@code gpus}) or {@code flops} becomes compute
 * on {@code gpu} at an assumed {@code mfu}; the answer is the compute-optimal model (or one at
 * {@code tokensPerParam}), its loss, GPU-hours, cost and wall-clock time.
 */
public final class BudgetStudy extends StudyBase<BudgetStudy.Result> {
  /** The study, with the fields it reads and their defaults. */
  public BudgetStudy() {
    super("budget");
    field("gpu", "h100-sxm");
    field("mfu", 0.4);
    field("dtype", "bf16");
    field("fit", "epoch2024");
    field("flops", null);
    field("gpuHours", null);
    field("cost", null);
    field("days", null);
    field("gpus", null);
    field("pricePerGpuHour", null);
    field("tokensPerParam", null);
  }

  /** One budget on one GPU. */
  public record Result(
      String gpu,
      double mfu,
      String fit,
      Allocation allocation,
      double gpuHours,
      double cost,
      double wallDays,
      String budget) {}

  @Override
  public Result evaluate(Point p, StudyContext ctx) {
    GpuProfile gpu = p.gpu("gpu", ctx.profiles());
    double mfu = p.positive("mfu");
    if (mfu > 1) {
      throw p.error("mfu", "is a fraction of peak, at most 1, got " + mfu);
    }
    DType dtype = p.parsed("dtype", DType::parse);
    double peak =
        gpu.peakFlops(dtype)
            .orElseThrow(() -> p.error("dtype", gpu.id() + " has no " + dtype.key() + " peak"));
    Double price = p.has("pricePerGpuHour") ? p.positive("pricePerGpuHour") : null;
    Long gpus = p.has("gpus") ? p.whole("gpus", 1) : null;
    int given =
        (p.has("flops") ? 1 : 0)
            + (p.has("gpuHours") ? 1 : 0)
            + (p.has("cost") ? 1 : 0)
            + (p.has("days") ? 1 : 0);
    if (given != 1) {
      throw p.error("flops", "give exactly one budget: flops, gpuHours, cost or days");
    }
    double flops;
    String budget;
    if (p.has("flops")) {
      flops = p.positive("flops");
      budget = String.format(Locale.ROOT, "%.2e FLOP", flops);
    } else if (p.has("gpuHours")) {
      double h = p.positive("gpuHours");
      flops = TrainingCost.flopsFor(h, peak, mfu);
      budget = String.format(Locale.ROOT, "%,.0f GPU-hours", h);
    } else if (p.has("cost")) {
      double c = p.positive("cost");
      if (price == null) {
        throw p.error(
            "pricePerGpuHour", "a cost budget needs pricePerGpuHour (hwplan ships no prices)");
      }
      flops = TrainingCost.flopsFor(c / price, peak, mfu);
      budget = String.format(Locale.ROOT, "%,.0f at %.2f per GPU-hour", c, price);
    } else {
      double d = p.positive("days");
      if (gpus == null) {
        throw p.error("gpus", "a budget in days needs gpus");
      }
      flops = TrainingCost.flopsFor(d * 24 * gpus, peak, mfu);
      budget = String.format(Locale.ROOT, "%.1f days on %,d GPUs", d, gpus);
    }
    SelectedFit fit = ScalingStudy.fit(p);
    ChinchillaLaw law = fit.law();
    Allocation a;
    if (p.has("tokensPerParam")) {
      double r = p.positive("tokensPerParam");
      a = law.atFlops(flops, Math.sqrt(flops / (TrainingFlops.PER_PARAM_PER_TOKEN * r)));
    } else {
      a = law.optimal(flops);
    }
    TrainingCost cost = new TrainingCost(flops, peak, mfu, price == null ? Double.NaN : price);
    return new Result(
        gpu.id(),
        mfu,
        fit.name(),
        a,
        cost.gpuHours(),
        cost.priced() ? cost.cost() : Double.NaN,
        gpus == null ? Double.NaN : cost.wallSeconds(gpus.intValue()) / 86400,
        budget);
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<Result> results, StudyContext ctx) {
    Tables t =
        new Tables(spec.id())
            .text("budget")
            .text("gpu")
            .real("mfu")
            .text("fit")
            .real("flops")
            .real("params")
            .real("tokens")
            .real("loss")
            .real("gpuHours")
            .real("cost")
            .real("wallDays");
    for (Result r : results) {
      Allocation a = r.allocation();
      t.row(
          r.budget(),
          r.gpu(),
          r.mfu(),
          r.fit(),
          a.flops(),
          a.params(),
          a.tokens(),
          a.loss(),
          r.gpuHours(),
          r.cost(),
          r.wallDays());
    }
    Findings f = new Findings(spec);
    for (Result r : results) {
      Allocation a = r.allocation();
      String line =
          String.format(
              Locale.ROOT,
              "%s on **%s** at %.0f%% MFU = %.2e FLOP: train **%.1fB parameters on %.2fT tokens** (loss %.3f, %s), %,.0f GPU-hours%s%s.",
              r.budget(),
              r.gpu(),
              100 * r.mfu(),
              a.flops(),
              a.params() / 1e9,
              a.tokens() / 1e12,
              a.loss(),
              r.fit(),
              r.gpuHours(),
              Double.isNaN(r.cost()) ? "" : String.format(Locale.ROOT, ", cost %,.0f", r.cost()),
              Double.isNaN(r.wallDays())
                  ? ""
                  : String.format(Locale.ROOT, ", %.1f days", r.wallDays()));
      f.summary(line.replace("**", ""));
    }
    List<String> summary = f.summaryLines();
    if (results.size() <= 6) {
      f.summaryAsText();
    } else {
      f.text(summary.get(summary.size() - 1));
    }
    Result last = results.get(results.size() - 1);
    f.number("params", last.allocation().params());
    f.number("tokens", last.allocation().tokens());
    f.number("gpuHours", last.gpuHours());
    if (results.size() > 1) {
      f.chart(
          ReportChart.of(spec.id() + "-loss", "Predicted loss against budget", lossChart(results)));
    }
    f.table(spec.id(), "Budget, model and cost", t.build());
    return f.result(
        summary.size() > 4 ? summary.subList(summary.size() - 4, summary.size()) : summary);
  }

  private static XYChart lossChart(List<Result> results) {
    XYChart c =
        ChartStyle.xy(
            "Predicted loss against GPU-hours", "GPU-hours (log scale)", "loss (nats/token)");
    c.getStyler().setXAxisLogarithmic(true);
    Map<String, List<Result>> byGpu = new LinkedHashMap<>();
    results.forEach(
        r ->
            byGpu
                .computeIfAbsent(
                    r.gpu() + " @ " + Math.round(100 * r.mfu()) + "% MFU", k -> new ArrayList<>())
                .add(r));
    int slot = 0;
    for (Map.Entry<String, List<Result>> e : byGpu.entrySet()) {
      List<Result> rs = new ArrayList<>(e.getValue());
      rs.sort((a, b) -> Double.compare(a.gpuHours(), b.gpuHours()));
      double[] x = rs.stream().mapToDouble(Result::gpuHours).toArray();
      double[] y = rs.stream().mapToDouble(r -> r.allocation().loss()).toArray();
      ChartStyle.slot(c.addSeries(e.getKey(), x, y), slot++);
    }
    return c;
  }
}
