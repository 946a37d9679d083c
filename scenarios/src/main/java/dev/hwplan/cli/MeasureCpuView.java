package dev.hwplan.cli;

import dev.hwplan.kernels.probe.ProbeResult;
import dev.hwplan.perf.cpu.CpuMeasurementResult;
import dev.hwplan.perf.cpu.CpuMeasurementResult.KernelRow;
import dev.hwplan.perf.cpu.MlaVsGqa;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The text of {@code hwplan measure cpu} for people: GB/s and GFLOP/s, labelled. */
final class MeasureCpuView {
  private MeasureCpuView() {}

  static String text(CpuMeasurementResult r, String written) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> m = r.machine();
    sb.append(
        String.format(
            Locale.ROOT,
            "%s, %s threads, %s kernels%s, JDK %s%n",
            m.get("cpu"),
            m.get("threads"),
            m.get("provider"),
            (Integer) m.get("vectorBitSize") > 0 ? " (" + m.get("vectorBitSize") + "-bit)" : "",
            m.get("jdk")));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nProbes: best of %d samples (as STREAM reports), median, and spread = (max - min) /"
                + " median%n",
            r.probes().get(0).timing().samplesSeconds().size()));
    for (ProbeResult p : r.probes()) {
      boolean bytes = p.unit().equals("bytes");
      String label =
          switch (p.name()) {
            case "read" -> "STREAM read";
            case "copy" -> "STREAM copy";
            case "triad" -> "STREAM triad";
            case "llcRead" -> "LLC read";
            default -> "FMA peak";
          };
      String size =
          bytes
              ? String.format(Locale.ROOT, "%.0f MiB arrays", p.arrayBytes() / (double) (1 << 20))
              : "registers only";
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-13s %8.1f %-7s median %8.1f  spread %5.1f%%   %s%n",
              label,
              p.maxRate() / 1e9,
              bytes ? "GB/s" : "GFLOP/s",
              p.rate() / 1e9,
              100 * p.timing().relativeSpread(),
              size));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nKernels: measured vs the calibrated CPU roofline (* set a ceiling; the rest are"
                + " held out)%n"));
    String fmt = "  %-58s %10s %10s %6s %7s %8s %10s %-8s %6s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "KERNEL",
            "BEST",
            "MEDIAN",
            "SPREAD",
            "GB/s",
            "GFLOP/s",
            "PREDICTED",
            "BOUND",
            "RATIO"));
    for (KernelRow k : r.kernels()) {
      String shape =
          k.shape().entrySet().stream()
              .map(e -> abbreviate(e.getKey()) + e.getValue())
              .collect(Collectors.joining(" "));
      String name =
          (k.role().equals("calibration") ? "*" : " ") + k.kernel() + " " + k.dtype() + " " + shape;
      sb.append(
          String.format(
              Locale.ROOT,
              fmt,
              name.length() > 58 ? name.substring(0, 58) : name,
              seconds(k.measuredSeconds()),
              seconds(k.medianSeconds()),
              String.format(Locale.ROOT, "%.0f%%", 100 * k.timing().relativeSpread()),
              String.format(Locale.ROOT, "%.1f", k.achievedBytesPerSecond() / 1e9),
              String.format(Locale.ROOT, "%.1f", k.achievedFlopsPerSecond() / 1e9),
              seconds(k.prediction().seconds()),
              k.prediction().bound(),
              String.format(Locale.ROOT, "%.2f", k.ratio())));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nmedianRelativeError %.3f over %d held-out shapes (goal: at most 0.15); ratio ="
                + " best / predicted; GB/s and GFLOP/s at the best time%n",
            r.medianRelativeError(),
            r.heldOutShapes()));
    mlaVsGqa(sb, r.mlaVsGqa());
    sb.append(written == null ? "Calibration not written (--no-save)" : "Calibration: " + written);
    sb.append(String.format(Locale.ROOT, "%nTook %.1f s", r.seconds()));
    return sb.toString();
  }

  private static void mlaVsGqa(StringBuilder sb, MlaVsGqa c) {
    sb.append(
        String.format(
            Locale.ROOT,
            "%nMLA vs GQA at equal memory: %.1f MiB of KV cache each, fp32 (%% of the STREAM read"
                + " and FMA peak above)%n",
            c.cacheBytes() / (1 << 20)));
    String fmt = "  %-44s %9s %10s %7s %8s %8s %6s %6s %-8s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "KERNEL",
            "CONTEXT",
            "BEST",
            "GB/s",
            "GFLOP/s",
            "FLOP/B",
            "%READ",
            "%FMA",
            "BOUND"));
    for (MlaVsGqa.Row row : c.rows()) {
      String shape =
          row.shape().entrySet().stream()
              .filter(e -> !e.getKey().equals("context") && !e.getKey().equals("blockedKeys"))
              .map(e -> abbreviate(e.getKey()) + e.getValue())
              .collect(Collectors.joining(" "));
      sb.append(
          String.format(
              Locale.ROOT,
              fmt,
              row.kind().toUpperCase(Locale.ROOT) + " " + shape,
              row.context(),
              seconds(row.seconds()),
              String.format(Locale.ROOT, "%.1f", row.bytesPerSecond() / 1e9),
              String.format(Locale.ROOT, "%.1f", row.flopsPerSecond() / 1e9),
              String.format(Locale.ROOT, "%.1f", row.flopsPerByte()),
              String.format(
                  Locale.ROOT, "%.0f", 100 * row.bytesPerSecond() / row.readBytesPerSecond()),
              String.format(
                  Locale.ROOT, "%.0f", 100 * row.flopsPerSecond() / row.fmaFlopsPerSecond()),
              row.bound()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  MLA/GQA time %.2fx; per token of context %.2fx%n%n",
            c.mlaOverGqaSeconds(),
            c.mlaOverGqaSecondsPerToken()));
  }

  private static String abbreviate(String key) {
    return switch (key) {
          case "batch" -> "b";
          case "heads" -> "h";
          case "kvHeads" -> "kv";
          case "headDim" -> "d";
          case "context" -> "ctx";
          case "kvLoraRank" -> "rank";
          case "ropeDim" -> "rope";
          default -> key;
        }
        + "=";
  }

  private static String seconds(double s) {
    if (s >= 1) {
      return String.format(Locale.ROOT, "%.2f s", s);
    }
    if (s >= 1e-3) {
      return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
    }
    return String.format(Locale.ROOT, "%.1f us", s * 1e6);
  }
}
