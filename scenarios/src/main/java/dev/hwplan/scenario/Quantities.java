package dev.hwplan.scenario;

import dev.hwplan.io.WholeNumbers;
import java.util.Locale;

/**
 * Counts written the way people write them: {@code 1e24}, {@code 70B}, {@code 1.4T}, {@code 32k}.
 */
public final class Quantities {
  private Quantities() {}

  /**
   * The value of {@code value}, with an optional suffix k/K (1e3), M (1e6), B/G (1e9), T (1e12) or
   * P (1e15) and underscores ignored; null when it is not a finite number.
   */
  public static Double parse(String value) {
    String s = value.strip().replace("_", "");
    double scale = 1;
    if (!s.isEmpty()) {
      int exp = WholeNumbers.suffixExponent(s.charAt(s.length() - 1));
      if (exp != 0) {
        scale = Double.parseDouble("1e" + exp); // exact, as the literals 1e3 ... 1e15
        s = s.substring(0, s.length() - 1);
      }
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.contains("n") || lower.contains("i")) {
      return null; // NaN, Infinity
    }
    try {
      double v = Double.parseDouble(lower) * scale;
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
