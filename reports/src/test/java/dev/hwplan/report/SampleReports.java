package dev.hwplan.report;

import dev.hwplan.report.charts.ChartStyle;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Small reports for the writer tests. */
final class SampleReports {
  private SampleReports() {}

  static Table gpus() {
    return Table.create(
        "gpus",
        StringColumn.create("gpu", "h100-sxm", "h200-sxm, \"NVL\""),
        IntColumn.create("memory GiB", 80, 141),
        DoubleColumn.create("bandwidth TB/s", 3.35, 4.8));
  }

  static XYChart line(String title) {
    XYChart c = ChartStyle.xy(title, "context (tokens)", "KV cache (GiB)");
    c.addSeries("GQA", new double[] {1, 2, 4}, new double[] {1, 2, 4});
    return c;
  }

  /** A report dated 2026-01-02, so that what is written from it is the same on every run. */
  static Report.Builder dated(String title, String subtitle, String version) {
    return Report.builder(title)
        .subtitle(subtitle)
        .meta("hwplan", version)
        .meta("date", "2026-01-02");
  }

  static Report small() {
    return dated("Sample report", "two sections", "0.1.0-SNAPSHOT")
        .section(
            Section.builder("memory", "Memory")
                .text("KV cache is **large**; see `hwplan kv`.\n\n- one\n- two")
                .table("gpus", "GPUs compared", gpus())
                .chart(new ReportChart("kv-line", "KV vs context", line("KV vs context"), 640, 400))
                .build())
        .section(
            Section.builder("scaling", "Scaling")
                .chart(ReportChart.ofDefaultSize("loss", "Loss", line("Loss")))
                .build())
        .build();
  }
}
