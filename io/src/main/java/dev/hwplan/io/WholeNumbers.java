package dev.hwplan.io;

import java.math.BigDecimal;

/**
 * Whole numbers written as people write them on a command line: {@code 131072}, {@code 1e3}, {@code
 * 1.5e4}, {@code 131_072}, or with a suffix k/K (1e3), M (1e6), B/G (1e9), T (1e12), P (1e15) as
 * the count options read them ({@code 128k} is 128,000). Exact: the digits are read as a decimal,
 * not a double, so {@code 32.2k} is 32,200.
 */
public final class WholeNumbers {
  private WholeNumbers() {}

  /** What {@link #parse} found: a value, or why there is none. */
  public sealed interface Result {}

  /** The whole number. */
  public record Value(long value) implements Result {}

  /** Not a number, or not a whole one. */
  public record NotWhole() implements Result {}

  /** A whole number beyond a {@code long}. */
  public record TooLarge() implements Result {}

  /** Reads {@code text}; never throws. */
  public static Result parse(String text) {
    String s = text.strip().replace("_", "");
    int exp = 0;
    if (!s.isEmpty()) {
      exp = suffixExponent(s.charAt(s.length() - 1));
      if (exp != 0) {
        s = s.substring(0, s.length() - 1);
      }
    }
    BigDecimal d;
    try {
      d = new BigDecimal(s).scaleByPowerOfTen(exp);
    } catch (NumberFormatException | ArithmeticException e) {
      return new NotWhole();
    }
    if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
      return new NotWhole();
    }
    try {
      return new Value(d.longValueExact());
    } catch (ArithmeticException e) {
      return new TooLarge();
    }
  }

  /**
   * The power of ten a count's last character stands for: k/K 3, M 6, B/G (b/g) 9, T/t 12, P/p 15;
   * 0 for any other character.
   */
  public static int suffixExponent(char c) {
    return switch (c) {
      case 'k', 'K' -> 3;
      case 'M' -> 6;
      case 'B', 'G', 'b', 'g' -> 9;
      case 'T', 't' -> 12;
      case 'P', 'p' -> 15;
      default -> 0;
    };
  }
}
