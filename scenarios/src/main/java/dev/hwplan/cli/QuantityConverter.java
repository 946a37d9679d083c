package dev.hwplan.cli;

import dev.hwplan.scenario.Quantities;
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
    Double v = Quantities.parse(value);
    if (v == null) {
      throw new TypeConversionException(
          "'" + value + "' is not a finite number (examples: 1e24, 7e10, 70B, 1.4T)");
    }
    return v;
  }
}
