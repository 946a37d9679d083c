package dev.hwplan.report.charts;

import dev.hwplan.perf.cpu.CpuCeilings;
import dev.hwplan.perf.cpu.CpuMeasurementResult;
import dev.hwplan.perf.cpu.CpuMeasurementResult.KernelRow;
import dev.hwplan.report.ChartFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The CPU section's charts: this CPU's roofline with the measured kernels placed on it, and each
 * held-out shape's predicted time against its measured time.
 */
public final class CpuCharts {
  private CpuCharts() {}

  /**
   * The roofline (Williams et al. 2009): attainable GFLOP/s against FLOP per byte, with the
   * streaming-kernel DRAM bandwidth and the LLC bandwidth as slopes, the FMA peak and the achieved
   * GEMM, attention and MLA rates as flat ceilings, and one point per kernel shape.
   */
  public static XYChart roofline(CpuMeasurementResult r) {
    CpuCeilings c = r.ceilings();
    XYChart chart =
        ChartStyle.logLog(
            "CPU roofline: " + r.machine().get("cpu"),
            "arithmetic intensity (FLOP/byte)",
            "attainable rate (GFLOP/s)");
    double[] xs = ChartStyle.logSpace(1.0 / 64, 1024, 64);
    double efficiency = Math.min(1, c.kernelReadBytesPerSecond() / c.readBytesPerSecond());
    line(
        chart,
        "DRAM, kernels (" + gb(c.kernelReadBytesPerSecond()) + ")",
        xs,
        c.kernelReadBytesPerSecond(),
        c.fmaFlopsPerSecond());
    line(
        chart,
        "LLC (" + gb(c.llcReadBytesPerSecond() * efficiency) + ")",
        xs,
        c.llcReadBytesPerSecond() * efficiency,
        c.fmaFlopsPerSecond());
    flat(chart, "FMA peak", xs, c.fmaFlopsPerSecond());
    flat(chart, "GEMM (achieved)", xs, c.matrixFlopsPerSecond());
    flat(chart, "attention (achieved)", xs, c.attentionFlopsPerSecond());
    flat(chart, "MLA (achieved)", xs, c.mlaFlopsPerSecond());
    Map<String, List<KernelRow>> byKernel = new LinkedHashMap<>();
    for (KernelRow k : r.kernels()) {
      if (k.flops() > 0 && k.bytes() > 0) {
        byKernel.computeIfAbsent(k.kernel() + " " + k.dtype(), x -> new ArrayList<>()).add(k);
      }
    }
    byKernel.forEach(
        (name, rows) -> {
          double[] x = rows.stream().mapToDouble(k -> k.flops() / k.bytes()).toArray();
          double[] y = rows.stream().mapToDouble(k -> k.achievedFlopsPerSecond() / 1e9).toArray();
          XYSeries s = chart.addSeries(name, x, y);
          s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        });
    return chart;
  }

  /** Predicted against measured seconds for every shape, log-log, with y = x and ±15%. */
  public static XYChart predictedVsMeasured(CpuMeasurementResult r) {
    XYChart chart =
        ChartStyle.logLog(
            String.format(
                java.util.Locale.ROOT,
                "Predicted vs measured (median error %.1f%% over %d held-out shapes)",
                100 * r.medianRelativeError(),
                r.heldOutShapes()),
            "measured time (s, best sample)",
            "predicted time (s, calibrated roofline)");
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (KernelRow k : r.kernels()) {
      lo = Math.min(lo, Math.min(k.measuredSeconds(), k.prediction().seconds()));
      hi = Math.max(hi, Math.max(k.measuredSeconds(), k.prediction().seconds()));
    }
    double[] diag = {lo / 2, hi * 2};
    ChartStyle.limit(chart.addSeries("predicted = measured", diag, diag.clone()));
    String[] names = {"predicted 15% low", "predicted 15% high"};
    double[] factors = {0.85, 1.15};
    for (int i = 0; i < names.length; i++) {
      ChartStyle.band(
          chart.addSeries(
              names[i], diag, new double[] {diag[0] * factors[i], diag[1] * factors[i]}),
          java.awt.Color.DARK_GRAY);
    }
    for (String role : List.of("heldOut", "calibration")) {
      List<KernelRow> rows = r.kernels().stream().filter(k -> k.role().equals(role)).toList();
      if (rows.isEmpty()) {
        continue;
      }
      XYSeries s =
          chart.addSeries(
              role.equals("heldOut") ? "held-out shapes" : "calibration shapes",
              rows.stream().mapToDouble(KernelRow::measuredSeconds).toArray(),
              rows.stream().mapToDouble(k -> k.prediction().seconds()).toArray());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
    return chart;
  }

  /**
   * Writes both charts as PNG and SVG into {@code dir} through {@link ChartFiles}; returns the
   * files written, roofline first.
   */
  public static List<Path> write(Path dir, CpuMeasurementResult r) {
    List<Path> out = new ArrayList<>();
    Map<String, XYChart> charts = new LinkedHashMap<>();
    charts.put("cpu-roofline", roofline(r));
    charts.put("cpu-predicted-vs-measured", predictedVsMeasured(r));
    for (Map.Entry<String, XYChart> e : charts.entrySet()) {
      Path png = dir.resolve(e.getKey() + ".png");
      Path svg = dir.resolve(e.getKey() + ".svg");
      ChartFiles.png(e.getValue(), png);
      ChartFiles.svg(e.getValue(), svg);
      out.add(png);
      out.add(svg);
    }
    return out;
  }

  private static void line(
      XYChart chart, String name, double[] xs, double bytesPerSecond, double cap) {
    double[] y = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      y[i] = Math.min(xs[i] * bytesPerSecond, cap) / 1e9;
    }
    chart.addSeries(name, xs, y).setMarker(SeriesMarkers.NONE);
  }

  private static void flat(XYChart chart, String name, double[] xs, double flops) {
    double[] y = new double[xs.length];
    java.util.Arrays.fill(y, flops / 1e9);
    chart
        .addSeries(
            String.format(java.util.Locale.ROOT, "%s %.0f GFLOP/s", name, flops / 1e9), xs, y)
        .setMarker(SeriesMarkers.NONE);
  }

  private static String gb(double bytesPerSecond) {
    return String.format(java.util.Locale.ROOT, "%.1f GB/s", bytesPerSecond / 1e9);
  }
}
