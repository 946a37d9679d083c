package dev.hwplan.regress;

import java.util.Locale;

/** Metric values as people read them: seconds scaled to ns, µs or ms; other units as they are. */
public final class ValueText {
  private ValueText() {}

  public static String of(double value, String unit) {
    if (unit.equals("seconds")) {
      double a = Math.abs(value);
      if (a == 0) {
        return "0 s";
      }
      if (a < 1e-6) {
        return String.format(Locale.ROOT, "%.3g ns", value * 1e9);
      }
      if (a < 1e-3) {
        return String.format(Locale.ROOT, "%.3g µs", value * 1e6);
      }
      if (a < 1) {
        return String.format(Locale.ROOT, "%.3g ms", value * 1e3);
      }
      return String.format(Locale.ROOT, "%.3g s", value);
    }
    return String.format(Locale.ROOT, "%.4g %s", value, unit);
  }

  /** A signed percentage of change in the worse direction: "+30.2% worse", "-4.1% (better)". */
  public static String change(Double worseBy) {
    if (worseBy == null) {
      return "";
    }
    if (Double.isInfinite(worseBy)) {
      return worseBy > 0 ? "worse (baseline 0)" : "better (baseline 0)";
    }
    return String.format(
        Locale.ROOT, "%.1f%% %s", 100 * Math.abs(worseBy), worseBy > 0 ? "worse" : "better");
  }

  /** The test's figure: "p = 1.2e-05" or "z = 4.1", or "". */
  public static String evidence(MetricComparison m) {
    if (m.pValue() != null) {
      return String.format(Locale.ROOT, "p = %.2g", m.pValue());
    }
    if (m.robustZ() != null) {
      return Math.abs(m.robustZ()) >= 1e299
          ? "z = ∞"
          : String.format(Locale.ROOT, "z = %.1f", m.robustZ());
    }
    return "";
  }
}
