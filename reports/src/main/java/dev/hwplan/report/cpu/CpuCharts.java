package dev.hwplan.report.cpu;

import dev.hwplan.perf.cpu.CpuCeilings;
import dev.hwplan.perf.cpu.CpuMeasurementResult;
import dev.hwplan.perf.cpu.CpuMeasurementResult.KernelRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
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
        new XYChartBuilder()
            .width(900)
            .height(600)
            .title("CPU roofline: " + r.machine().get("cpu"))
            .xAxisTitle("arithmetic intensity (FLOP/byte)")
            .yAxisTitle("GFLOP/s")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setMarkerSize(8);
    double[] xs = logRange(1.0 / 64, 1024, 64);
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
        new XYChartBuilder()
            .width(700)
            .height(650)
            .title(
                String.format(
                    java.util.Locale.ROOT,
                    "Predicted vs measured (median error %.1f%% over %d held-out shapes)",
                    100 * r.medianRelativeError(),
                    r.heldOutShapes()))
            .xAxisTitle("measured seconds (best sample)")
            .yAxisTitle("predicted seconds (calibrated roofline)")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setMarkerSize(8);
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (KernelRow k : r.kernels()) {
      lo = Math.min(lo, Math.min(k.measuredSeconds(), k.prediction().seconds()));
      hi = Math.max(hi, Math.max(k.measuredSeconds(), k.prediction().seconds()));
    }
    double[] diag = {lo / 2, hi * 2};
    String[] names = {"predicted = measured", "predicted 15% low", "predicted 15% high"};
    double[] factors = {1.0, 0.85, 1.15};
    for (int i = 0; i < names.length; i++) {
      chart
          .addSeries(names[i], diag, new double[] {diag[0] * factors[i], diag[1] * factors[i]})
          .setMarker(SeriesMarkers.NONE);
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

  /** Writes both charts as PNG and SVG into {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, CpuMeasurementResult r) {
    List<Path> out = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, XYChart> e :
          Map.of("cpu-roofline", roofline(r), "cpu-predicted-vs-measured", predictedVsMeasured(r))
              .entrySet()) {
        Path png = dir.resolve(e.getKey() + ".png");
        Path svg = dir.resolve(e.getKey() + ".svg");
        BitmapEncoder.saveBitmap(e.getValue(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(
            e.getValue(), svg.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        out.add(png);
        out.add(svg);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write charts to " + dir, e);
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

  private static double[] logRange(double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from * Math.pow(to / from, i / (double) (n - 1));
    }
    return x;
  }

  private static String gb(double bytesPerSecond) {
    return String.format(java.util.Locale.ROOT, "%.1f GB/s", bytesPerSecond / 1e9);
  }
}
