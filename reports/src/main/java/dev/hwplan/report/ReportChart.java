package dev.hwplan.report;

import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A chart with its id (the file name stem), a title for captions and the size in pixels it is drawn
 * at. The chart object is XChart's and mutable: build it fully before adding it to a report.
 *
 * @param id file name stem and anchor, unique within the report
 * @param title caption and alternative text
 * @param chart the XChart chart
 * @param width drawing width in pixels
 * @param height drawing height in pixels
 */
public record ReportChart(String id, String title, Chart<?, ?> chart, int width, int height) {
  /** Default drawing width in pixels. */
  public static final int DEFAULT_WIDTH = 1000;

  /** Default drawing height in pixels. */
  public static final int DEFAULT_HEIGHT = 560;

  public ReportChart {
    Ids.require(id, "chart");
    Ids.requireText(title, "chart title");
    if (chart == null) {
      throw new IllegalArgumentException("chart " + id + " is null");
    }
    if (width < 50 || height < 50 || width > 10_000 || height > 10_000) {
      throw new IllegalArgumentException(
          "chart " + id + " size must be 50 to 10000 pixels a side, got " + width + "x" + height);
    }
  }

  /** A chart drawn at the chart's own size (as set by its builder). */
  public static ReportChart of(String id, String title, Chart<?, ?> chart) {
    return new ReportChart(id, title, chart, chart.getWidth(), chart.getHeight());
  }

  /** A chart drawn at {@link #DEFAULT_WIDTH} x {@link #DEFAULT_HEIGHT}. */
  public static ReportChart ofDefaultSize(String id, String title, Chart<?, ?> chart) {
    return new ReportChart(id, title, chart, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }
}
