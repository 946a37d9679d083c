package dev.hwplan.report.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one look all hwplan charts share. Series cycle through the Okabe–Ito colour-blind-safe
 * palette (Okabe and Ito 2008), ordered so that neighbours differ in lightness, together with a
 * marker and a dash pattern each, so that series stay apart when printed in greyscale. Limits (a
 * GPU's memory) are drawn black, thick and dashed; bands (bootstrap intervals) dotted in their
 * series' colour. The legend sits right of the plot, one series a line, so that long labels never
 * run off the chart.
 */
public final class ChartStyle {
  /** Okabe–Ito: blue, orange, bluish green, vermillion, sky blue, reddish purple, black, yellow. */
  public static final Color[] COLORS = {
    new Color(0x0072B2),
    new Color(0xE69F00),
    new Color(0x009E73),
    new Color(0xD55E00),
    new Color(0x56B4E9),
    new Color(0xCC79A7),
    new Color(0x000000),
    new Color(0xB8A000)
  };

  /** One marker per palette slot, so that greyscale prints keep series apart. */
  public static final Marker[] MARKERS = {
    SeriesMarkers.CIRCLE,
    SeriesMarkers.SQUARE,
    SeriesMarkers.DIAMOND,
    SeriesMarkers.TRIANGLE_UP,
    SeriesMarkers.TRIANGLE_DOWN,
    SeriesMarkers.CROSS,
    SeriesMarkers.PLUS,
    SeriesMarkers.OVAL
  };

  /** One dash pattern per palette slot. */
  public static final BasicStroke[] LINES = {
    stroke(2f),
    stroke(2f, 8f, 4f),
    stroke(2f, 2f, 3f),
    stroke(2f, 10f, 3f, 2f, 3f),
    stroke(2f, 4f, 4f),
    stroke(2f, 12f, 4f, 4f, 4f),
    stroke(2f, 1f, 5f),
    stroke(2f, 6f, 2f, 1f, 2f)
  };

  /** The stroke of limit lines such as a GPU's memory. */
  public static final BasicStroke LIMIT = stroke(2.5f, 12f, 6f);

  /** The stroke of band edges such as bootstrap intervals. */
  public static final BasicStroke BAND = stroke(1.2f, 2f, 3f);

  /** Default chart size in pixels. */
  public static final int WIDTH = 1000;

  public static final int HEIGHT = 560;

  private static final String FONT = Font.SANS_SERIF;

  private ChartStyle() {}

  /** An XY chart in the house style, at the default size. */
  public static XYChart xy(String title, String xAxisTitle, String yAxisTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xAxisTitle)
            .yAxisTitle(yAxisTitle)
            .build();
    apply(chart.getStyler());
    return chart;
  }

  /** An {@link #xy} chart with both axes logarithmic. */
  public static XYChart logLog(String title, String xAxisTitle, String yAxisTitle) {
    XYChart chart = xy(title, xAxisTitle, yAxisTitle);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    return chart;
  }

  /** Applies the house style to {@code s}: palette, markers, lines, fonts, legend, grid. */
  public static void apply(XYStyler s) {
    s.setSeriesColors(COLORS);
    s.setSeriesMarkers(MARKERS);
    s.setSeriesLines(LINES);
    s.setMarkerSize(7);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(new Color(0x888888));
    s.setPlotGridLinesColor(new Color(0xDDDDDD));
    s.setChartFontColor(Color.BLACK);
    s.setChartTitleFont(new Font(FONT, Font.BOLD, 16));
    s.setAxisTitleFont(new Font(FONT, Font.PLAIN, 14));
    s.setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, 12));
    s.setLegendFont(new Font(FONT, Font.PLAIN, 12));
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setLegendLayout(Styler.LegendLayout.Vertical);
    s.setLegendBorderColor(Color.WHITE);
    s.setLegendSeriesLineLength(36);
    s.setLocale(Locale.ROOT);
    s.setAntiAlias(true);
    s.setTextAntiAlias(true);
  }

  /** Styles {@code s} as a limit (e.g. a GPU's memory): black, thick dashes, no markers. */
  public static XYSeries limit(XYSeries s) {
    s.setLineColor(Color.BLACK);
    s.setLineStyle(LIMIT);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  /** Styles {@code s} as a secondary reference line (e.g. a GPU's full capacity): grey dashes. */
  public static XYSeries reference(XYSeries s) {
    s.setLineColor(new Color(0x888888));
    s.setLineStyle(BAND);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  /** Styles {@code s} as one edge of a band around a series of colour {@code c}: thin dots. */
  public static XYSeries band(XYSeries s, Color c) {
    s.setLineColor(c);
    s.setLineStyle(BAND);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  /**
   * Adds {@code points} (x to y, in the map's order) to {@code chart} as the series {@code name},
   * styled as {@link #slot} {@code slot}.
   */
  public static XYSeries series(
      XYChart chart, String name, Map<? extends Number, Double> points, int slot) {
    double[] x = points.keySet().stream().mapToDouble(Number::doubleValue).toArray();
    double[] y = points.values().stream().mapToDouble(Double::doubleValue).toArray();
    return slot(chart.addSeries(name, x, y), slot);
  }

  /** Styles {@code s} as the {@code slot}-th series explicitly (colour, marker, dashes). */
  public static XYSeries slot(XYSeries s, int slot) {
    int i = Math.floorMod(slot, COLORS.length);
    s.setLineColor(COLORS[i]);
    s.setMarkerColor(COLORS[i]);
    s.setMarker(MARKERS[i]);
    s.setLineStyle(LINES[i]);
    return s;
  }

  /** Styles {@code s} as points only (no line). */
  public static XYSeries scatter(XYSeries s) {
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    return s;
  }

  /** {@code n} points from {@code from} to {@code to}, evenly spaced on a log scale. */
  public static double[] logSpace(double from, double to, int n) {
    if (!(from > 0 && to > from) || n < 2) {
      throw new IllegalArgumentException(
          "need 0 < from < to and n >= 2, got " + from + ", " + to + ", " + n);
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from * Math.pow(to / from, i / (double) (n - 1));
    }
    x[n - 1] = to;
    return x;
  }

  /** Bytes as GiB (2^30 bytes). */
  public static double gib(double bytes) {
    return bytes / (double) (1L << 30);
  }

  /** A number in engineering form for labels: 1.2e+22 becomes "1.2e22". */
  public static String sci(double v) {
    return String.format(Locale.ROOT, "%.3g", v).replace("e+", "e");
  }

  private static BasicStroke stroke(float width, float... dashes) {
    if (dashes.length == 0) {
      return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
    }
    return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dashes, 0f);
  }
}
