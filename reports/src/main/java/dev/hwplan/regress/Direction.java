package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.hwplan.io.InvalidInputException;

/**
 * Which way is better for a metric, in github-action-benchmark's words ({@code
 * customSmallerIsBetter} and {@code customBiggerIsBetter} tools), as DESIGN.md's run record spells
 * them.
 */
public enum Direction {
  SMALLER_IS_BETTER("smaller_is_better"),
  BIGGER_IS_BETTER("bigger_is_better");

  private final String key;

  Direction(String key) {
    this.key = key;
  }

  @JsonValue
  public String key() {
    return key;
  }

  @JsonCreator
  public static Direction parse(String key) {
    for (Direction d : values()) {
      if (d.key.equals(key)) {
        return d;
      }
    }
    throw new InvalidInputException(
        "", "", "must be smaller_is_better or bigger_is_better, got '" + key + "'");
  }

  /**
   * How much worse {@code current} is than {@code baseline}, as a fraction of the baseline:
   * positive is worse, negative is better, whichever way this metric points.
   */
  public double worseBy(double current, double baseline) {
    if (current == baseline) {
      return 0;
    }
    double change =
        baseline == 0
            ? Math.copySign(Double.POSITIVE_INFINITY, current)
            : (current - baseline) / Math.abs(baseline);
    return this == SMALLER_IS_BETTER ? change : -change;
  }
}
