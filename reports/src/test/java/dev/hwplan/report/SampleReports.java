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

  static Report small() {
    return Report.builder("Sample report")
        .subtitle("two sections")
        .meta("hwplan", "0.1.0-SNAPSHOT")
        .meta("date", "2026-01-02")
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
