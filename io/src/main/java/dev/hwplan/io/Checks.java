package dev.hwplan.io;

/**
 * Checks used by validating record constructors. Each failure names the field relative to the
 * record; {@link StrictMapper} prefixes the path from the file's root.
 */
public final class Checks {
  private Checks() {}

  /** The field must be present. */
  public static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidInputException("", field, "missing required field");
    }
    return value;
  }

  /** The field, where present, must be a count of at least one. */
  public static Integer positiveOrNull(Integer value, String field) {
    positiveOrNull(value == null ? null : Long.valueOf(value), field);
    return value;
  }

  /** The field must be present and a count of at least one. */
  public static int positive(Integer value, String field) {
    required(value, field);
    return positiveOrNull(value, field);
  }

  /** The field, where present, must be a finite number above zero. */
  public static Double positiveOrNull(Double value, String field) {
    if (value != null && !(value > 0 && Double.isFinite(value))) {
      throw new InvalidInputException("", field, "must be a positive number, got " + value);
    }
    return value;
  }

  /** The field must be present and a finite number above zero. */
  public static double positive(Double value, String field) {
    required(value, field);
    return positiveOrNull(value, field);
  }

  /** The field, where present, must be a byte count of at least one. */
  public static Long positiveOrNull(Long value, String field) {
    if (value != null && value <= 0) {
      throw new InvalidInputException("", field, "must be positive, got " + value);
    }
    return value;
  }

  /**
   * A command-line option's value must be at least one; the error reads "must be a positive {@code
   * what}, got {@code value}".
   */
  public static void positiveOption(long value, String option, String what) {
    if (value <= 0) {
      throw InvalidInputException.option(option, "must be a positive " + what + ", got " + value);
    }
  }

  /** The field must be a non-blank string. */
  public static String nonBlank(String value, String field) {
    required(value, field);
    if (value.isBlank()) {
      throw new InvalidInputException("", field, "must not be blank");
    }
    return value;
  }
}
