package dev.hwplan.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * Makes XChart's logarithmic axes readable for the data they end up holding. XChart labels a log
 * axis only at powers of ten, so an axis whose data span less than a decade or two shows one label
 * or none, and the reader cannot read a value off the chart. Before a chart is drawn, each log axis
 * is looked at with the data of all its series:
 *
 * <ul>
 *   <li>data spanning less than a factor of {@value #MIN_LOG_RATIO}: the axis becomes linear (and a
 *       "log scale" note in its title is removed), since a log scale shows nothing a linear one
 *       does not over so short a range;
 *   <li>data spanning few enough decades that each decade has at least {@value
 *       #X_PIXELS_PER_DECADE} pixels (x) or {@value #Y_PIXELS_PER_DECADE} pixels (y): the axis is
 *       labelled at 1 to 9 times each power of ten, not only at the powers;
 *   <li>otherwise it is left as it is.
 * </ul>
 *
 * The decision depends only on the data and the drawing size, so it is deterministic, and applying
 * it twice changes nothing more.
 */
final class LogAxes {
  /** Below this max/min ratio a log axis becomes linear. */
  static final double MIN_LOG_RATIO = 3.0;

  /** Pixels per decade from which the x axis is labelled at 1..9 x 10^n. */
  static final int X_PIXELS_PER_DECADE = 550;

  /** Pixels per decade from which the y axis is labelled at 1..9 x 10^n. */
  static final int Y_PIXELS_PER_DECADE = 300;

  /** Pixels taken by an outside-east legend (estimate). */
  private static final int LEGEND_WIDTH = 330;

  /** Pixels around the plot: axis labels and titles, chart title (estimates). */
  private static final int MARGIN_X = 100;

  private static final int MARGIN_Y = 110;

  private LogAxes() {}

  /** Adjusts the log axes of {@code chart} (XY charts only) for drawing at the given size. */
  static void makeReadable(Chart<?, ?> chart, int width, int height) {
    if (!(chart instanceof XYChart xy) || xy.getSeriesCollection().isEmpty()) {
      return;
    }
    XYStyler s = xy.getStyler();
    boolean legendEast =
        s.isLegendVisible() && s.getLegendPosition() == Styler.LegendPosition.OutsideE;
    int plotWidth = Math.max(100, width - MARGIN_X - (legendEast ? LEGEND_WIDTH : 0));
    int plotHeight = Math.max(100, height - MARGIN_Y);
    if (s.isXAxisLogarithmic()) {
      double decades = decades(xy, true, s.getXAxisMin(), s.getXAxisMax());
      if (decades < Math.log10(MIN_LOG_RATIO)) {
        s.setXAxisLogarithmic(false);
        xy.setXAxisTitle(withoutLogNote(xy.getXAxisTitle()));
      } else if (plotWidth / decades >= X_PIXELS_PER_DECADE) {
        s.setXAxisLogarithmicDecadeOnly(false);
        s.setXAxisTickLabelsFormattingFunction(LogAxes::label);
      }
    }
    if (s.isYAxisLogarithmic()) {
      double decades = decades(xy, false, s.getYAxisMin(), s.getYAxisMax());
      if (decades < Math.log10(MIN_LOG_RATIO)) {
        s.setYAxisLogarithmic(false);
        xy.setYAxisTitle(withoutLogNote(xy.getYAxisTitle()));
      } else if (plotHeight / decades >= Y_PIXELS_PER_DECADE) {
        s.setYAxisLogarithmicDecadeOnly(false);
        s.setYAxisTickLabelsFormattingFunction(LogAxes::label);
      }
    }
  }

  /**
   * A tick label short enough for ticks at 1..9 x 10^n: plain below 10,000 ("0.05", "300", "2000"),
   * with an SI prefix above ("20k", "3M", "1G").
   */
  static String label(Double v) {
    double a = Math.abs(v);
    if (a == 0 || (a >= 1e-3 && a < 1e4)) {
      return plain(v);
    }
    if (a < 1e-3) {
      return String.format(java.util.Locale.ROOT, "%.0e", v);
    }
    String[] prefixes = {"k", "M", "G", "T", "P", "E"};
    int k = Math.min(prefixes.length, (int) Math.floor(Math.log10(a) / 3 + 1e-9));
    return plain(v / Math.pow(1000, k)) + prefixes[k - 1];
  }

  private static String plain(double v) {
    return java.math.BigDecimal.valueOf(v)
        .round(new java.math.MathContext(3))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** Decades spanned by the positive data (and the fixed bounds, if set); infinite if none. */
  static double decades(XYChart chart, boolean x, Double fixedMin, Double fixedMax) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (XYSeries series : chart.getSeriesCollection()) {
      if (!series.isEnabled()) {
        continue;
      }
      for (double v : x ? series.getXData() : series.getYData()) {
        if (v > 0 && Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (fixedMin != null && fixedMin > 0) {
      min = fixedMin;
    }
    if (fixedMax != null && fixedMax > 0) {
      max = fixedMax;
    }
    if (!(max > 0) || !(min <= max)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.log10(max / min);
  }

  /** {@code "TTFT (ms, log scale)"} to {@code "TTFT (ms)"}, {@code "x (log scale)"} to "x". */
  static String withoutLogNote(String title) {
    if (title == null) {
      return null;
    }
    return title
        .replace(", log scale)", ")")
        .replace(" (log scale)", "")
        .replace("(log scale, ", "(")
        .replace("log scale", "")
        .trim();
  }
}
