package dev.hwplan.cli;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.FigureNote;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.PeakKey;
import dev.hwplan.hardware.UnitCounts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/** How a {@link GpuProfile} is shown: a JSON object in SI units, or text for people. */
final class ProfileView {
  private static final List<DType> SHOWN =
      List.of(
          DType.FP64,
          DType.FP32,
          DType.TF32,
          DType.FP16,
          DType.BF16,
          DType.FP8,
          DType.INT8,
          DType.FP6,
          DType.FP4);

  private ProfileView() {}

  static Map<String, Object> of(GpuProfile p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("name", p.name());
    m.put("vendor", p.vendor());
    m.put("architecture", p.architecture());
    m.put("die", p.die());
    m.put("formFactor", p.formFactor());
    UnitCounts en = p.units().enabled();
    m.put("gpcs", en.gpcs());
    m.put("tpcs", en.tpcs());
    m.put("sms", p.sms());
    m.put("tensorCores", p.tensorCores());
    m.put("fp32Cores", p.sms() * p.sm().fp32Cores());
    if (p.units().fullDie() != null) {
      UnitCounts f = p.units().fullDie();
      Map<String, Object> full = new LinkedHashMap<>();
      full.put("gpcs", f.gpcs());
      full.put("tpcs", f.tpcs());
      full.put("sms", f.sms());
      full.put("smsPerGpc", f.smsPerGpc());
      m.put("fullDie", full);
    }
    Map<String, Object> sm = new LinkedHashMap<>();
    sm.put("subPartitions", p.sm().subPartitions());
    sm.put("fp32Cores", p.sm().fp32Cores());
    sm.put("fp64Cores", p.sm().fp64Cores());
    sm.put("tensorCores", p.sm().tensorCores());
    sm.put("tensorCoreGeneration", p.sm().tensorCoreGeneration());
    sm.put("registerFileBytes", kib(p.sm().registerFileKiB()));
    sm.put("l1SharedBytes", kib(p.sm().l1SharedKiB()));
    sm.put("maxSharedBytes", kib(p.sm().maxSharedKiB()));
    m.put("perSm", sm);
    m.put("boostClockMHz", p.clocks().boostMHz());
    m.put("tensorClockMHz", p.clocks().tensorHz() / 1e6);
    m.put("memoryBytes", p.memoryBytes());
    m.put("memoryType", p.memory().type());
    m.put("memoryBusWidthBits", p.memory().busWidthBits());
    m.put("memoryBandwidthBytesPerSecond", p.memoryBandwidthBytesPerSecond());
    m.put("l2Bytes", p.memory().l2Bytes());
    if (p.interconnect() != null) {
      var ic = p.interconnect();
      m.put("scaleUpLink", ic.scaleUpName());
      m.put("nvlinkGeneration", ic.nvlinkGeneration());
      m.put("scaleUpLinks", ic.scaleUpLinks());
      m.put("scaleUpBytesPerSecondPerDirection", ic.scaleUpBytesPerSecondPerDirection());
      m.put("pcieGeneration", ic.pcieGeneration());
      m.put("pcieBytesPerSecondPerDirection", ic.pcieBytesPerSecondPerDirection());
    }
    m.put("tdpWatts", p.tdpWatts());
    Map<String, Object> peaks = new LinkedHashMap<>();
    for (DType d : SHOWN) {
      OptionalDouble v = p.peakFlops(d);
      if (v.isPresent()) {
        peaks.put(d.key(), v.getAsDouble());
      }
    }
    m.put("peakFlops", peaks);
    m.put("peakCheck", peakCheck(p));
    m.put("conflicts", notes(p.conflicts()));
    m.put("unconfirmed", notes(p.unconfirmed()));
    m.put("notes", p.notes());
    m.put("sources", new TreeMap<>(p.sources()));
    return m;
  }

  /** Each datasheet figure beside the figure derived from the hierarchy. */
  static List<Map<String, Object>> peakCheck(GpuProfile p) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PeakKey k : PeakKey.values()) {
      Double stated = p.datasheetPeakTflops().get(k);
      OptionalDouble derived = p.derivedPeakFlops(k);
      if (stated == null && derived.isEmpty()) {
        continue;
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("peak", k.key());
      r.put("derivedFlopsPerSecond", derived.isPresent() ? derived.getAsDouble() : null);
      r.put("datasheetFlopsPerSecond", stated == null ? null : stated * 1e12);
      r.put(
          "relativeDifference",
          stated == null || derived.isEmpty() ? null : derived.getAsDouble() / (stated * 1e12) - 1);
      rows.add(r);
    }
    return rows;
  }

  private static List<Map<String, Object>> notes(List<FigureNote> notes) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (FigureNote n : notes) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("field", n.field());
      if (n.stated() != null) {
        r.put("stated", n.stated());
      }
      if (n.used() != null) {
        r.put("used", n.used());
      }
      r.put("note", n.note());
      out.add(r);
    }
    return out;
  }

  private static Long kib(Integer k) {
    return k == null ? null : k * 1024L;
  }

  static String table(Collection<GpuProfile> all) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-18s %-44s %5s %5s %9s %9s %9s %9s%n";
    sb.append(
        String.format(
            Units.PLAIN,
            fmt,
            "ID",
            "NAME",
            "SMs",
            "TCs",
            "BF16 TF/s",
            "FP8 TF/s",
            "HBM GiB",
            "HBM TB/s"));
    for (GpuProfile p : all) {
      sb.append(
          String.format(
              Units.PLAIN,
              fmt,
              p.id(),
              truncate(p.name(), 44),
              p.sms(),
              p.tensorCores(),
              tflops(p.peakFlops(DType.BF16)),
              tflops(p.peakFlops(DType.FP8)),
              String.format(Units.PLAIN, "%.1f", p.memoryBytes() / (double) (1L << 30)),
              String.format(Units.PLAIN, "%.2f", p.memoryBandwidthBytesPerSecond() / 1e12)));
    }
    sb.append("Dense peaks derived from the hierarchy. `hwplan profiles show ID` for details.");
    return sb.toString();
  }

  static String text(GpuProfile p) {
    StringBuilder sb = new StringBuilder();
    UnitCounts en = p.units().enabled();
    sb.append(p.name()).append(" (").append(p.id()).append(")\n");
    sb.append(
        String.format(
            Units.PLAIN,
            "  %s %s, %s%n",
            p.vendor(),
            p.architecture() == null ? "" : p.architecture(),
            p.die() == null ? "" : p.die()));
    sb.append(
        String.format(
            Units.PLAIN,
            "  Hierarchy   %s GPCs, %s TPCs, %d SMs%s%n",
            en.gpcs() == null ? "?" : en.gpcs(),
            en.tpcs() == null ? "?" : en.tpcs(),
            p.sms(),
            p.units().fullDie() == null
                ? ""
                : " (full die: " + p.units().fullDie().sms() + " SMs)"));
    sb.append(
        String.format(
            Units.PLAIN,
            "  Per SM      %d sub-partitions, %d FP32 cores, %d tensor cores (gen %s)%n",
            p.sm().subPartitions(),
            p.sm().fp32Cores(),
            p.sm().tensorCores(),
            p.sm().tensorCoreGeneration() == null ? "?" : p.sm().tensorCoreGeneration()));
    sb.append(
        String.format(
            Units.PLAIN,
            "  Clocks      boost %.0f MHz, tensor %.0f MHz%n",
            p.clocks().boostMHz(),
            p.clocks().tensorHz() / 1e6));
    sb.append(
        String.format(
            Units.PLAIN,
            "  Memory      %.1f GiB %s, %.2f TB/s, L2 %.1f MiB%n",
            p.memoryBytes() / (double) (1L << 30),
            p.memory().type() == null ? "" : p.memory().type(),
            p.memoryBandwidthBytesPerSecond() / 1e12,
            p.memory().l2Bytes() / (double) (1 << 20)));
    if (p.interconnect() != null && p.interconnect().scaleUpBidirectionalGBps() != null) {
      sb.append(
          String.format(
              Units.PLAIN,
              "  Scale-up    %s%s, %.0f GB/s bidirectional%n",
              p.interconnect().scaleUpName(),
              p.interconnect().nvlinkGeneration() == null
                  ? ""
                  : " gen " + p.interconnect().nvlinkGeneration(),
              p.interconnect().scaleUpBidirectionalGBps()));
    }
    sb.append("  Dense peaks (derived from the hierarchy vs datasheet):\n");
    for (Map<String, Object> r : peakCheck(p)) {
      Object d = r.get("derivedFlopsPerSecond");
      Object s = r.get("datasheetFlopsPerSecond");
      sb.append(
          String.format(
              Units.PLAIN,
              "    %-20s %10s TFLOP/s   datasheet %10s%n",
              r.get("peak"),
              d == null ? "-" : String.format(Units.PLAIN, "%.1f", (Double) d / 1e12),
              s == null ? "-" : String.format(Units.PLAIN, "%.1f", (Double) s / 1e12)));
    }
    for (FigureNote n : p.conflicts()) {
      sb.append("  Conflict    ").append(n.field()).append(": ").append(n.note()).append('\n');
    }
    for (FigureNote n : p.unconfirmed()) {
      sb.append("  Unconfirmed ").append(n.field()).append(": ").append(n.note()).append('\n');
    }
    sb.append("  Sources     ").append(String.join(", ", new TreeMap<>(p.sources()).keySet()));
    return sb.toString();
  }

  private static String tflops(OptionalDouble v) {
    return v.isPresent() ? String.format(Units.PLAIN, "%.1f", v.getAsDouble() / 1e12) : "-";
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
