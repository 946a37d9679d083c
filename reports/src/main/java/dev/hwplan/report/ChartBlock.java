package dev.hwplan.report;

/**
 * A chart, embedded in the HTML and written as {@code charts/<id>.png} and {@code charts/<id>.svg}.
 */
public record ChartBlock(ReportChart chart) implements Block {
  public ChartBlock {
    if (chart == null) {
      throw new IllegalArgumentException("chart is null");
    }
  }
}
