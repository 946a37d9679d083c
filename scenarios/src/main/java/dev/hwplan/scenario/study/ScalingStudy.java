package dev.hwplan.scenario.study;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ScalingCharts;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.FitSpecs;
import dev.hwplan.scaling.KaplanLaw;
import dev.hwplan.scaling.SelectedFit;
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
 * Compute-optimal allocation under a Chinchilla law (Hoffmann et al. 2022, Eq. 4) over a sweep of
 * budgets, with the law's iso-loss contours, isoFLOP curves and frontier. Fields: {@code fit} (a
 * named fit or constants, as {@code --fit}), {@code flops}.
 */
public final class ScalingStudy extends StudyBase<ScalingStudy.Result> {
  /** The study, with the fields it reads and their defaults. */
  public ScalingStudy() {
    super("scaling");
    field("fit", "epoch2024");
    field("flops", Map.of("from", 1e20, "to", 1e26, "points", 7));
  }

  /** One budget under one fit. */
  public record Result(String fit, ChinchillaLaw law, Allocation optimal, double kaplanParams) {}

  @Override
  public Result evaluate(Point p, StudyContext ctx) {
    SelectedFit fit = fit(p);
    double c = p.positive("flops");
    return new Result(
        fit.name(), fit.law(), fit.law().optimal(c), KaplanLaw.computeEfficientParams(c));
  }

  static SelectedFit fit(Point p) {
    String spec = p.text("fit");
    try {
      return FitSpecs.resolve(p.study().resolvePath(spec), "fit");
    } catch (InvalidInputException e) {
      throw p.error("fit", e.reason());
    }
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<Result> results, StudyContext ctx) {
    Tables t =
        new Tables(spec.id())
            .text("fit")
            .real("flops")
            .real("params")
            .real("tokens")
            .real("tokensPerParam")
            .real("loss")
            .real("kaplan2020Params");
    for (Result r : results) {
      Allocation a = r.optimal();
      t.row(
          r.fit(),
          a.flops(),
          a.params(),
          a.tokens(),
          a.tokensPerParam(),
          a.loss(),
          r.kaplanParams());
    }
    Findings f = new Findings(spec);
    Map<String, List<Result>> byFit = new LinkedHashMap<>();
    results.forEach(r -> byFit.computeIfAbsent(r.fit(), k -> new ArrayList<>()).add(r));
    for (Map.Entry<String, List<Result>> e : byFit.entrySet()) {
      List<Result> rs = e.getValue();
      ChinchillaLaw law = rs.get(0).law();
      List<Double> budgets = rs.stream().map(r -> r.optimal().flops()).distinct().sorted().toList();
      double lo = budgets.get(0);
      double hi = budgets.get(budgets.size() - 1);
      if (hi / lo < 100) {
        lo = Math.min(lo, hi / 1e3);
        hi = Math.max(hi, lo * 1e6);
      }
      List<Double> chartBudgets =
          budgets.size() > 1 ? budgets : List.of(lo, lo * 1e2, lo * 1e4, hi);
      String suffix = byFit.size() > 1 ? "-" + e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") : "";
      double nLo = law.optimalParams(lo) / 30;
      double nHi = law.optimalParams(hi) * 30;
      f.chart(
          ReportChart.of(
              spec.id() + "-contours" + suffix,
              "Iso-loss contours (" + e.getKey() + ")",
              ScalingCharts.lossContours(
                  law, ScalingCharts.frontierLevels(law, chartBudgets), nLo, nHi)));
      f.chart(
          ReportChart.of(
              spec.id() + "-isoflop" + suffix,
              "IsoFLOP curves (" + e.getKey() + ")",
              ScalingCharts.isoFlop(law, chartBudgets)));
      f.chart(
          ReportChart.of(
              spec.id() + "-frontier" + suffix,
              "Compute-optimal frontier (" + e.getKey() + ")",
              ScalingCharts.frontier(law, lo, hi)));
      Result top = rs.get(rs.size() - 1);
      f.sentence(
          String.format(
              Locale.ROOT,
              "Under **%s** (N_opt ∝ C^%.3f), %.1e FLOP buys **%.1fB parameters on %.2fT tokens** (%.1f tokens/param) at a loss of %.3f; Kaplan et al. 2020 would put %.0fB parameters there.",
              e.getKey(),
              law.paramsExponent(),
              top.optimal().flops(),
              top.optimal().params() / 1e9,
              top.optimal().tokens() / 1e12,
              top.optimal().tokensPerParam(),
              top.optimal().loss(),
              top.kaplanParams() / 1e9));
      f.number(e.getKey() + ".params", top.optimal().params());
      f.number(e.getKey() + ".tokens", top.optimal().tokens());
      f.number(e.getKey() + ".loss", top.optimal().loss());
    }
    return f.result("Compute-optimal allocation by budget", t.build());
  }
}
