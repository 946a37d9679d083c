package dev.hwplan.regress;

import dev.hwplan.report.charts.ChartStyle;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A metric's trend: its value in each run against the run's number in the history, the baseline
 * median with the threshold band around it over the baseline window, and the current run marked by
 * its verdict (a regression with a red diamond and a note of how much and how sure).
 */
public final class TrendChart {
  /** Runs shown at most, the most recent. */
  static final int MAX_RUNS = 100;

  /** Series names, for tests and readers of the SVG. */
  public static final String VALUES = "value per run";

  public static final String REGRESSED = "regressed";
  public static final String CURRENT = "this run";

  private static final Color INK = new Color(0x1f, 0x3b, 0x73);
  private static final Color BAND = new Color(0xd9, 0xd9, 0xd9);
  private static final Color MEDIAN = new Color(0x55, 0x55, 0x55);
  static final Color RED = new Color(0xc0, 0x1b, 0x1b);
  private static final Color GREEN = new Color(0x1b, 0x7a, 0x3a);

  private TrendChart() {}

  /**
   * The chart of metric {@code m}: {@code history} is the earlier runs (file order) that {@code m}
   * was compared against, and the current run comes after them as run {@code history.size() + 1}.
   */
  public static XYChart of(
      List<RunRecord> history, RunRecord current, MetricComparison m, RegressionSettings s) {
    Scale scale = Scale.of(m);
    XYChart chart =
        ChartStyle.xy(
            m.name() + " (" + m.direction().key().replace('_', ' ') + ")",
            "run number in the history",
            scale.axisTitle);
    chart.getStyler().setMarkerSize(9);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    chart.getStyler().setXAxisDecimalPattern("#");

    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = Math.max(0, history.size() - MAX_RUNS); i < history.size(); i++) {
      RunRecord r = history.get(i);
      double x = i + 1;
      if (!m.sameMachine() || r.machine().equals(current.machine())) {
        r.benchmark(m.name())
            .filter(b -> b.unit().equals(m.unit()) && b.direction() == m.direction())
            .ifPresent(
                b -> {
                  xs.add(x);
                  ys.add(b.value() * scale.factor);
                });
      }
    }
    double xNow = history.size() + 1;
    xs.add(xNow);
    ys.add(m.current() * scale.factor);

    if (m.baselineMedian() != null && !m.baselineIndices().isEmpty()) {
      double med = m.baselineMedian() * scale.factor;
      double bandLo = med * (1 - s.threshold());
      double bandHi = med * (1 + s.threshold());
      double x0 = m.baselineIndices().get(0) + 1;
      XYSeries band =
          chart.addSeries(
              String.format(
                  Locale.ROOT,
                  "baseline median ±%.0f%% (last %d runs)",
                  100 * s.threshold(),
                  m.baselineRuns()),
              new double[] {x0, xNow, xNow, x0},
              new double[] {bandLo, bandLo, bandHi, bandHi});
      band.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
      band.setFillColor(BAND);
      band.setLineColor(BAND);
      band.setMarker(SeriesMarkers.NONE);
      XYSeries median =
          chart.addSeries("baseline median", new double[] {x0, xNow}, new double[] {med, med});
      median.setLineColor(MEDIAN);
      median.setLineStyle(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      median.setMarker(SeriesMarkers.NONE);
    }
    XYSeries values = chart.addSeries(VALUES, xs, ys);
    values.setLineColor(INK);
    values.setMarkerColor(INK);
    values.setMarker(SeriesMarkers.CIRCLE);

    boolean regressed = m.verdict() == Verdict.REGRESSED;
    XYSeries now =
        chart.addSeries(
            regressed ? REGRESSED : CURRENT + " (" + m.verdict().key() + ")",
            new double[] {xNow},
            new double[] {m.current() * scale.factor});
    now.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    now.setMarker(
        regressed
            ? SeriesMarkers.DIAMOND
            : m.verdict() == Verdict.IMPROVED ? SeriesMarkers.TRIANGLE_UP : SeriesMarkers.SQUARE);
    now.setMarkerColor(regressed ? RED : m.verdict() == Verdict.IMPROVED ? GREEN : INK);
    if (regressed) {
      chart.getStyler().setAnnotationTextFontColor(RED);
      // Left of the point, at its height: the text is centred on its anchor, and a point at the
      // right edge would push it off the plot.
      double xFirst = xs.get(0);
      chart.addAnnotation(
          new AnnotationText(
              annotation(m), xFirst + 0.6 * (xNow - xFirst), m.current() * scale.factor, false));
    }
    return chart;
  }

  /** Seconds drawn in ns, µs or ms, so that the axis reads "1.2" rather than "1.2E-6". */
  private record Scale(double factor, String axisTitle) {
    static Scale of(MetricComparison m) {
      if (!m.unit().equals("seconds")) {
        return new Scale(1, m.unit());
      }
      double ref = m.baselineMedian() != null ? m.baselineMedian() : m.current();
      double a = Math.abs(ref);
      if (a > 0 && a < 1e-6) {
        return new Scale(1e9, "nanoseconds");
      }
      if (a > 0 && a < 1e-3) {
        return new Scale(1e6, "microseconds");
      }
      if (a > 0 && a < 1) {
        return new Scale(1e3, "milliseconds");
      }
      return new Scale(1, "seconds");
    }
  }

  /** "regressed: 30.2% worse than the median, p = 1.3e-05". */
  static String annotation(MetricComparison m) {
    String how =
        m.pValue() != null
            ? String.format(Locale.ROOT, "p = %.2g", m.pValue())
            : String.format(Locale.ROOT, "robust z = %.1f", m.robustZ());
    return String.format(
        Locale.ROOT, "regressed: %.1f%% worse than the median, %s", 100 * m.worseBy(), how);
  }

  /**
   * A chart id (file name stem) for the metric: {@code trend-} and the name in lower case, with
   * anything but letters, digits, '.', '-' and '_' as '_', cut to 74 characters. Two metrics that
   * differ only in case share it; {@link RegressionReport#chartIds} numbers the second.
   */
  public static String chartId(String metric) {
    String id = "trend-" + metric.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    id = id.replace("..", "._");
    return id.substring(0, Math.min(id.length(), 74));
  }
}
