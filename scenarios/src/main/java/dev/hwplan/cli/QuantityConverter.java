package dev.hwplan.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a count as people write one: {@code 1e24}, {@code 7e10}, {@code 70B}, {@code 1.4T}, {@code
 * 400M}, {@code 10k} (k = 1e3, M = 1e6, B or G = 1e9, T = 1e12, P = 1e15). Signs and zero are left
 * for the command to judge, so that its message can name the option.
 */
public final class QuantityConverter implements ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    return parse(value);
  }

  /** Parses {@code value}; throws picocli's conversion error for anything but a finite number. */
  public static double parse(String value) {
    String s = value.strip().replace("_", "");
    double scale = 1;
    if (!s.isEmpty()) {
      char last = s.charAt(s.length() - 1);
      double m =
          switch (last) {
            case 'k', 'K' -> 1e3;
            case 'M' -> 1e6;
            case 'B', 'G', 'b', 'g' -> 1e9;
            case 'T', 't' -> 1e12;
            case 'P', 'p' -> 1e15;
            default -> 1;
          };
      if (m != 1) {
        scale = m;
        s = s.substring(0, s.length() - 1);
      }
    }
    double v;
    try {
      v = Double.parseDouble(s.toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a number (examples: 1e24, 7e10, 70B, 1.4T)");
    }
    if (!Double.isFinite(v) || s.toLowerCase(Locale.ROOT).contains("n")) {
      throw new TypeConversionException("'" + value + "' is not a finite number");
    }
    return v * scale;
  }
}
