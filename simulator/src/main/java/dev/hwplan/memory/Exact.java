package dev.hwplan.memory;

import dev.hwplan.io.InvalidInputException;

/**
 * Byte and token counts in exact 64-bit arithmetic. A count past 2^63 (8 EiB of memory) is beyond
 * what any machine holds: the request is bad input that names the option responsible, never a
 * wrapped number.
 */
final class Exact {
  private Exact() {}

  /** {@code a * b}, or bad input about {@code flag} saying that {@code what} is too large. */
  static long times(long a, long b, String flag, String what) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw tooLarge(flag, what);
    }
  }

  /** {@code a + b}, as {@link #times}. */
  static long plus(long a, long b, String flag, String what) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw tooLarge(flag, what);
    }
  }

  static InvalidInputException tooLarge(String flag, String what) {
    return InvalidInputException.option(
        flag, what + " is more than 2^63 bytes (8 EiB), beyond what any machine holds");
  }
}
