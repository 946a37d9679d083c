package dev.hwplan.report.charts;

import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.TrainingFlops;
import dev.hwplan.scaling.fit.Bootstrap;
import dev.hwplan.scaling.fit.Interval;
import dev.hwplan.scaling.fit.ScalingRun;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * Charts of the Chinchilla law L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Eq. 2) and its
 * compute-optimal frontier (Eq. 4): iso-loss contours over (N, D), isoFLOP profiles, the frontier
 * N_opt(C) and D_opt(C), and a fit to runs with its bootstrap band.
 */
public final class ScalingCharts {
  /** Points per drawn curve. */
  static final int POINTS = 61;

  /** IsoFLOP profiles span this factor either side of each budget's N_opt. */
  static final double ISOFLOP_SPAN = 30;

  private ScalingCharts() {}

  /**
   * Iso-loss contours over parameters N and tokens D, log-log. XChart has no contour plot, so each
   * level is drawn as the curve D(N) = (B/(L − E − A/N^α))^{1/β} ({@link
   * ChinchillaLaw#tokensToReach}), over the N where the level is reachable. The compute-optimal
   * frontier (N_opt(C), D_opt(C)) is drawn across the same range of N; it meets each contour where
   * that loss is cheapest.
   *
   * @param lossLevels losses in nats per token, each above E
   * @param minParams smallest N drawn
   * @param maxParams largest N drawn
   */
  public static XYChart lossContours(
      ChinchillaLaw law, List<Double> lossLevels, double minParams, double maxParams) {
    XYChart chart =
        againstParams("Iso-loss contours of " + lawLabel(law), "training tokens D (log scale)");
    chart.getStyler().setYAxisLogarithmic(true);
    double[] grid = ChartStyle.logSpace(minParams, maxParams, POINTS);
    double minTokens = Double.POSITIVE_INFINITY;
    double maxTokens = 0;
    int slot = 0;
    for (double level : lossLevels) {
      List<double[]> points = new ArrayList<>();
      for (double n : grid) {
        double d = law.tokensToReach(level, n);
        // Near the floor E + A/N^α the curve runs off to infinite data; stop at 1e16 tokens.
        if (Double.isFinite(d) && d <= 1e16) {
          points.add(new double[] {n, d});
        }
      }
      if (points.size() < 2) {
        continue;
      }
      double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
      for (double y : ys) {
        minTokens = Math.min(minTokens, y);
        maxTokens = Math.max(maxTokens, y);
      }
      XYSeries s = chart.addSeries(String.format(Locale.ROOT, "L = %.3f", level), xs, ys);
      ChartStyle.slot(s, slot++).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    }
    if (slot == 0) {
      throw new IllegalArgumentException(
          "no loss level is reachable between N = "
              + ChartStyle.sci(minParams)
              + " and "
              + ChartStyle.sci(maxParams)
              + " (levels must lie above E = "
              + law.e()
              + ")");
    }
    // The frontier over the drawn N: C from N_opt^{-1}(minParams) to N_opt^{-1}(maxParams).
    double[] n = new double[POINTS];
    double[] d = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      n[i] = grid[i];
      d[i] = law.optimalTokens(flopsForOptimalParams(law, grid[i]));
    }
    ChartStyle.limit(chart.addSeries("compute-optimal frontier (N_opt, D_opt)", n, d));
    chart.getStyler().setYAxisMin(minTokens);
    chart.getStyler().setYAxisMax(maxTokens);
    return chart;
  }

  /**
   * The loss levels at which the frontier sits at each budget: {@code law.frontierLoss(C)}, so that
   * {@link #lossContours} draws the contour each budget can reach at best.
   */
  public static List<Double> frontierLevels(ChinchillaLaw law, List<Double> budgetsFlops) {
    return budgetsFlops.stream().map(law::frontierLoss).toList();
  }

  /** A chart of {@code yTitle} against the parameter count N, on a log axis. */
  private static XYChart againstParams(String title, String yTitle) {
    XYChart chart = ChartStyle.xy(title, "parameters N (log scale)", yTitle);
    chart.getStyler().setXAxisLogarithmic(true);
    return chart;
  }

  /**
   * IsoFLOP profiles (Hoffmann 2022, Approach 2): loss against N at fixed compute C, with D =
   * C/(6N), over N_opt(C)/30 to 30·N_opt(C), plus each profile's minimum, N_opt(C).
   *
   * @param budgetsFlops training budgets C in FLOP
   */
  public static XYChart isoFlop(ChinchillaLaw law, List<Double> budgetsFlops) {
    XYChart chart =
        againstParams("IsoFLOP profiles of " + lawLabel(law), "predicted loss (nats/token)");
    double[] minX = new double[budgetsFlops.size()];
    double[] minY = new double[budgetsFlops.size()];
    for (int i = 0; i < budgetsFlops.size(); i++) {
      double c = budgetsFlops.get(i);
      double opt = law.optimalParams(c);
      double[] n = ChartStyle.logSpace(opt / ISOFLOP_SPAN, opt * ISOFLOP_SPAN, POINTS);
      double[] loss = new double[POINTS];
      for (int j = 0; j < POINTS; j++) {
        loss[j] = law.atFlops(c, n[j]).loss();
      }
      XYSeries s = chart.addSeries("C = " + ChartStyle.sci(c) + " FLOP", n, loss);
      ChartStyle.slot(s, i).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      minX[i] = opt;
      minY[i] = law.loss(opt, law.optimalTokens(c));
    }
    XYSeries opt = chart.addSeries("N_opt(C)", minX, minY);
    ChartStyle.scatter(opt).setMarkerColor(Color.BLACK);
    opt.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND);
    return chart;
  }

  /**
   * The compute-optimal frontier N_opt(C) = G (C/6)^a and D_opt(C) = G^{-1} (C/6)^b (Hoffmann 2022,
   * Eq. 4) against compute, log-log.
   */
  public static XYChart frontier(ChinchillaLaw law, double minFlops, double maxFlops) {
    return frontier(law, null, 0.95, minFlops, maxFlops);
  }

  /**
   * {@link #frontier(ChinchillaLaw, double, double)} with the bootstrap percentile band of N_opt
   * and D_opt at each C drawn as dotted lines; {@code bootstrap} may be null for none.
   */
  public static XYChart frontier(
      ChinchillaLaw law, Bootstrap bootstrap, double confidence, double minFlops, double maxFlops) {
    XYChart chart =
        ChartStyle.logLog(
            String.format(
                Locale.ROOT,
                "Compute-optimal frontier: N_opt ∝ C^%.3f, D_opt ∝ C^%.3f",
                law.paramsExponent(),
                law.tokensExponent()),
            "training compute C (FLOP, log scale)",
            "parameters N_opt, tokens D_opt (log scale)");
    double[] c = ChartStyle.logSpace(minFlops, maxFlops, POINTS);
    double[] n = new double[POINTS];
    double[] d = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      n[i] = law.optimalParams(c[i]);
      d[i] = law.optimalTokens(c[i]);
    }
    ChartStyle.slot(chart.addSeries("N_opt (parameters)", c, n), 0).setMarker(none());
    ChartStyle.slot(chart.addSeries("D_opt (tokens)", c, d), 1).setMarker(none());
    if (bootstrap != null && !bootstrap.samples().isEmpty()) {
      String pct = String.format(Locale.ROOT, "%.0f%%", 100 * confidence);
      double[][] nBand = band(bootstrap, confidence, c, ChinchillaLaw::optimalParams);
      double[][] dBand = band(bootstrap, confidence, c, ChinchillaLaw::optimalTokens);
      ChartStyle.band(chart.addSeries("N_opt " + pct + " low", c, nBand[0]), ChartStyle.COLORS[0]);
      ChartStyle.band(chart.addSeries("N_opt " + pct + " high", c, nBand[1]), ChartStyle.COLORS[0]);
      ChartStyle.band(chart.addSeries("D_opt " + pct + " low", c, dBand[0]), ChartStyle.COLORS[1]);
      ChartStyle.band(chart.addSeries("D_opt " + pct + " high", c, dBand[1]), ChartStyle.COLORS[1]);
    }
    return chart;
  }

  /**
   * A fit to training runs: each run's loss against its compute 6ND (points), the fitted law's
   * frontier loss L(C) (line), and the bootstrap percentile band of L(C) (dotted lines). Runs lie
   * on or above the frontier; how far above says how far from compute-optimal each was.
   *
   * @param runs the runs the law was fitted to
   * @param law the point fit
   * @param bootstrap the bootstrap refits, or null for no band
   * @param confidence the band's coverage, e.g. 0.95
   */
  public static XYChart fit(
      List<ScalingRun> runs, ChinchillaLaw law, Bootstrap bootstrap, double confidence) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("need at least one run");
    }
    XYChart chart =
        ChartStyle.xy(
            "Fit to " + runs.size() + " runs: " + lawLabel(law),
            "training compute 6ND (FLOP, log scale)",
            "loss (nats/token)");
    chart.getStyler().setXAxisLogarithmic(true);
    double[] runC =
        runs.stream().mapToDouble(r -> TrainingFlops.of(r.params(), r.tokens())).toArray();
    double[] runL = runs.stream().mapToDouble(ScalingRun::loss).toArray();
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (double x : runC) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    double[] c = ChartStyle.logSpace(lo / 2, hi * 2, POINTS);
    double[] l = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      l[i] = law.frontierLoss(c[i]);
    }
    ChartStyle.slot(chart.addSeries("runs", runC, runL), 1)
        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    ChartStyle.slot(chart.addSeries("fitted frontier L(C)", c, l), 0).setMarker(none());
    if (bootstrap != null && !bootstrap.samples().isEmpty()) {
      double[][] b = band(bootstrap, confidence, c, ChinchillaLaw::frontierLoss);
      String pct =
          String.format(
              Locale.ROOT,
              "%.0f%% bootstrap band (%d refits)",
              100 * confidence,
              bootstrap.samples().size());
      ChartStyle.band(chart.addSeries(pct + " low", c, b[0]), ChartStyle.COLORS[0]);
      ChartStyle.band(chart.addSeries(pct + " high", c, b[1]), ChartStyle.COLORS[0]);
    }
    return chart;
  }

  /** The compute whose N_opt is {@code params}: the inverse of Eq. 4, C = 6 (N/G)^{1/a}. */
  static double flopsForOptimalParams(ChinchillaLaw law, double params) {
    return TrainingFlops.PER_PARAM_PER_TOKEN * Math.pow(params / law.g(), 1 / law.paramsExponent());
  }

  private static double[][] band(
      Bootstrap bootstrap,
      double confidence,
      double[] c,
      java.util.function.ToDoubleBiFunction<ChinchillaLaw, Double> f) {
    double[][] out = new double[2][c.length];
    for (int i = 0; i < c.length; i++) {
      double ci = c[i];
      Interval in = bootstrap.interval(law -> f.applyAsDouble(law, ci), confidence);
      out[0][i] = in.low();
      out[1][i] = in.high();
    }
    return out;
  }

  private static org.knowm.xchart.style.markers.Marker none() {
    return org.knowm.xchart.style.markers.SeriesMarkers.NONE;
  }

  private static String lawLabel(ChinchillaLaw law) {
    return String.format(
        Locale.ROOT,
        "L = %.3g + %.4g/N^%.3f + %.4g/D^%.3f",
        law.e(),
        law.a(),
        law.alpha(),
        law.b(),
        law.beta());
  }
}
