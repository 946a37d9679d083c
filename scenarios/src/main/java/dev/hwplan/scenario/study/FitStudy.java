package dev.hwplan.scenario.study;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ScalingCharts;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.fit.Bootstrap;
import dev.hwplan.scaling.fit.ChinchillaFitter;
import dev.hwplan.scaling.fit.Interval;
import dev.hwplan.scaling.fit.PointFit;
import dev.hwplan.scaling.fit.RunsCsv;
import dev.hwplan.scaling.fit.ScalingRun;
import dev.hwplan.scaling.fit.ScalingRuns;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Fits L(N, D) = E + A/N^α + B/D^β to training runs (Huber on log loss, L-BFGS from Hoffmann's
 * grid, as Besiroglu et al. 2024 did) with seeded bootstrap intervals, and extrapolates to a
 * budget. Fields: {@code data} (a CSV of params,tokens,loss or Epoch's format, relative to the
 * scenario, or {@code bundled:epoch2024}), {@code dropHighestLoss}, {@code rounds}, {@code seed},
 * {@code confidence}, {@code flops}.
 */
public final class FitStudy extends StudyBase<FitStudy.Result> {
  /** The study, with the fields it reads and their defaults. */
  public FitStudy() {
    super("fit");
    field("data", "bundled:epoch2024");
    field("dropHighestLoss", 0);
    field("rounds", 200);
    field("seed", 42);
    field("confidence", 0.95);
    field("flops", 1e24);
  }

  /** One fit. */
  public record Result(
      String data,
      List<ScalingRun> runs,
      PointFit fit,
      Bootstrap bootstrap,
      double flops,
      double confidence) {}

  @Override
  public Result evaluate(Point p, StudyContext ctx) {
    String data = p.text("data");
    List<ScalingRun> runs;
    if (data.equals("bundled:epoch2024")) {
      runs = ScalingRuns.epoch2024();
    } else {
      try {
        runs = RunsCsv.read(p.study().resolveFile(data));
      } catch (InvalidInputException e) {
        throw p.error("data", e.getMessage());
      }
    }
    runs = ScalingRuns.dropHighestLoss(runs, (int) p.whole("dropHighestLoss", 0));
    String unidentified = ScalingRuns.identificationProblem(runs);
    if (unidentified != null) {
      throw p.error("data", unidentified);
    }
    int rounds = (int) p.whole("rounds", 1);
    long seed = p.whole("seed", 0);
    double confidence = p.positive("confidence");
    if (confidence >= 1) {
      throw p.error("confidence", "must be below 1, e.g. 0.95");
    }
    double flops = p.positive("flops");
    ChinchillaFitter fitter = ChinchillaFitter.hoffmann2022();
    PointFit fit;
    try {
      fit = fitter.fit(runs);
    } catch (IllegalArgumentException e) {
      throw p.error("data", e.getMessage());
    }
    Bootstrap b = fitter.bootstrap(runs, fit.law(), rounds, seed, () -> {});
    if (b.undetermined() != null) {
      // The study's tables and charts are its intervals: without them there is no study.
      throw p.error("data", b.undetermined());
    }
    return new Result(data, runs, fit, b, flops, confidence);
  }

  /**
   * The law's five parameters (E, A, B, alpha, beta), in that order, each as a function of a law: a
   * fit's bootstrap gives each its interval. A new map, for the caller to add its own quantities
   * to.
   */
  public static Map<String, ToDoubleFunction<ChinchillaLaw>> parameters() {
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
    q.put("E", ChinchillaLaw::e);
    q.put("A", ChinchillaLaw::a);
    q.put("B", ChinchillaLaw::b);
    q.put("alpha", ChinchillaLaw::alpha);
    q.put("beta", ChinchillaLaw::beta);
    return q;
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<Result> results, StudyContext ctx) {
    Tables t =
        new Tables(spec.id())
            .text("data")
            .whole("runs")
            .text("quantity")
            .real("value")
            .real("low")
            .real("high");
    Findings f = new Findings(spec);
    int n = 0;
    for (Result r : results) {
      ChinchillaLaw law = r.fit().law();
      Map<String, ToDoubleFunction<ChinchillaLaw>> q = parameters();
      q.put("optimalParams", l -> l.optimalParams(r.flops()));
      q.put("optimalTokens", l -> l.optimalTokens(r.flops()));
      q.put("loss", l -> l.frontierLoss(r.flops()));
      Map<String, Interval> iv = new LinkedHashMap<>();
      q.forEach(
          (k, quantity) -> {
            Interval i = r.bootstrap().interval(quantity, r.confidence());
            iv.put(k, i);
            t.row(r.data(), r.runs().size(), k, quantity.applyAsDouble(law), i.low(), i.high());
          });
      String chartId = spec.id() + (results.size() > 1 ? "-" + (++n) : "");
      f.chart(
          ReportChart.of(
              chartId,
              "Fit to "
                  + r.runs().size()
                  + " runs with its "
                  + Math.round(100 * r.confidence())
                  + "% band",
              ScalingCharts.fit(r.runs(), law, r.bootstrap(), r.confidence())));
      f.chart(
          ReportChart.of(
              chartId + "-frontier",
              "Frontier of the fit with its band",
              ScalingCharts.frontier(
                  law, r.bootstrap(), r.confidence(), r.flops() / 1e6, r.flops())));
      f.sentence(
          String.format(
              Locale.ROOT,
              "Fit to %d runs (%s): E %.3f, A %.1f, B %.1f, α %.3f [%.3f, %.3f], β %.3f [%.3f, %.3f]; at %.1e FLOP it puts N_opt at **%.1fB** [%.1fB, %.1fB] on %.2fT tokens (%d bootstrap rounds, %.0f%% intervals).",
              r.runs().size(),
              r.data(),
              law.e(),
              law.a(),
              law.b(),
              law.alpha(),
              iv.get("alpha").low(),
              iv.get("alpha").high(),
              law.beta(),
              iv.get("beta").low(),
              iv.get("beta").high(),
              r.flops(),
              law.optimalParams(r.flops()) / 1e9,
              iv.get("optimalParams").low() / 1e9,
              iv.get("optimalParams").high() / 1e9,
              law.optimalTokens(r.flops()) / 1e12,
              r.bootstrap().rounds(),
              100 * r.confidence()));
      f.number("E", law.e());
      f.number("alpha", law.alpha());
      f.number("beta", law.beta());
    }
    return f.result("Fitted constants and extrapolation with bootstrap intervals", t.build());
  }
}
