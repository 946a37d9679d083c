package dev.hwplan.report.charts;

import static dev.hwplan.report.charts.KvChartsTest.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.NamedFit;
import dev.hwplan.scaling.TrainingFlops;
import dev.hwplan.scaling.fit.Bootstrap;
import dev.hwplan.scaling.fit.ScalingRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ScalingChartsTest {
  private static final ChinchillaLaw LAW = NamedFit.HOFFMANN2022.law();

  @Test
  void everyPointOfAContourHasItsLoss() {
    List<Double> levels = List.of(2.0, 2.2, 2.5);
    XYChart chart = ScalingCharts.lossContours(LAW, levels, 1e8, 1e12);
    for (double level : levels) {
      XYSeries s = series(chart, String.format(java.util.Locale.ROOT, "L = %.3f", level));
      assertThat(s.getXData().length).isGreaterThan(10);
      for (int i = 0; i < s.getXData().length; i++) {
        assertThat(LAW.loss(s.getXData()[i], s.getYData()[i])).isCloseTo(level, within(1e-9));
      }
    }
    XYSeries frontier = series(chart, "compute-optimal frontier");
    for (int i = 0; i < frontier.getXData().length; i++) {
      double n = frontier.getXData()[i];
      double c = TrainingFlops.of(n, frontier.getYData()[i]);
      assertThat(LAW.optimalParams(c)).isCloseTo(n, within(n * 1e-9));
    }
    assertThat(chart.getStyler().isXAxisLogarithmic()).isTrue();
    assertThat(chart.getStyler().isYAxisLogarithmic()).isTrue();
  }

  @Test
  void frontierLevelsTouchTheFrontierAtEachBudget() {
    List<Double> levels = ScalingCharts.frontierLevels(LAW, List.of(1e21, 1e23));
    assertThat(levels.get(0)).isEqualTo(LAW.frontierLoss(1e21));
    assertThat(levels.get(0)).isGreaterThan(levels.get(1));
  }

  @Test
  void levelsAtOrBelowTheIrreducibleLossAreRejected() {
    assertThatThrownBy(() -> ScalingCharts.lossContours(LAW, List.of(1.5), 1e8, 1e12))
        .hasMessageContaining("above E");
  }

  @Test
  void isoFlopProfilesBottomOutAtNopt() {
    List<Double> budgets = List.of(1e20, 1e22, 1e24);
    XYChart chart = ScalingCharts.isoFlop(LAW, budgets);
    XYSeries opt = series(chart, "N_opt(C)");
    for (int b = 0; b < budgets.size(); b++) {
      double c = budgets.get(b);
      XYSeries s = series(chart, "C = " + ChartStyle.sci(c) + " FLOP");
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < s.getXData().length; i++) {
        double n = s.getXData()[i];
        assertThat(s.getYData()[i]).isCloseTo(LAW.loss(n, c / (6 * n)), within(1e-12));
        best = Math.min(best, s.getYData()[i]);
      }
      assertThat(opt.getXData()[b]).isEqualTo(LAW.optimalParams(c));
      assertThat(opt.getYData()[b]).isLessThanOrEqualTo(best + 1e-12);
      assertThat(opt.getYData()[b]).isCloseTo(LAW.frontierLoss(c), within(1e-9));
    }
  }

  @Test
  void frontierFollowsEquation4WithItsBootstrapBand() {
    List<ChinchillaLaw> samples =
        List.of(
            new ChinchillaLaw(1.69, 406.4, 410.7, 0.33, 0.28),
            new ChinchillaLaw(1.69, 406.4, 410.7, 0.35, 0.28),
            new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.27),
            new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.29));
    XYChart chart = ScalingCharts.frontier(LAW, new Bootstrap(samples, 4, 1, 0), 0.9, 1e18, 1e26);
    XYSeries n = series(chart, "N_opt (parameters)");
    XYSeries d = series(chart, "D_opt (tokens)");
    for (int i = 0; i < n.getXData().length; i++) {
      double c = n.getXData()[i];
      assertThat(n.getYData()[i]).isEqualTo(LAW.optimalParams(c));
      assertThat(d.getYData()[i]).isEqualTo(LAW.optimalTokens(c));
      assertThat(TrainingFlops.of(n.getYData()[i], d.getYData()[i])).isCloseTo(c, within(c * 1e-9));
    }
    XYSeries low = series(chart, "N_opt 90% low");
    XYSeries high = series(chart, "N_opt 90% high");
    for (int i = 0; i < low.getXData().length; i++) {
      assertThat(low.getYData()[i]).isLessThan(high.getYData()[i]);
    }
    assertThat(chart.getSeriesCollection()).hasSize(6);
    assertThat(chart.getXAxisTitle()).contains("FLOP");
  }

  @Test
  void fitChartShowsEveryRunAndTheBandAroundTheFrontier() {
    List<ScalingRun> runs = new ArrayList<>();
    for (double n : new double[] {1e8, 1e9, 1e10}) {
      for (double ratio : new double[] {5, 20, 80}) {
        runs.add(new ScalingRun(n, n * ratio, LAW.loss(n, n * ratio)));
      }
    }
    List<ChinchillaLaw> samples =
        List.of(
            new ChinchillaLaw(1.65, 406.4, 410.7, 0.34, 0.28),
            new ChinchillaLaw(1.73, 406.4, 410.7, 0.34, 0.28));
    XYChart chart = ScalingCharts.fit(runs, LAW, new Bootstrap(samples, 2, 7, 0), 0.95);
    XYSeries points = series(chart, "runs");
    assertThat(points.getXData()).hasSize(9);
    assertThat(points.getXYSeriesRenderStyle()).contains(XYSeries.XYSeriesRenderStyle.Scatter);
    XYSeries fit = series(chart, "fitted frontier");
    XYSeries low = series(chart, "95% bootstrap band (2 refits) low");
    XYSeries high = series(chart, "95% bootstrap band (2 refits) high");
    for (int i = 0; i < fit.getXData().length; i++) {
      assertThat(fit.getYData()[i]).isEqualTo(LAW.frontierLoss(fit.getXData()[i]));
      assertThat(low.getYData()[i]).isLessThan(fit.getYData()[i]);
      assertThat(high.getYData()[i]).isGreaterThan(fit.getYData()[i]);
    }
    // No run beats the frontier of the law that generated it.
    for (int i = 0; i < points.getXData().length; i++) {
      assertThat(points.getYData()[i])
          .isGreaterThanOrEqualTo(LAW.frontierLoss(points.getXData()[i]) - 1e-12);
    }
  }
}
