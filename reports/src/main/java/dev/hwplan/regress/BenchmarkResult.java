package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hwplan.io.InvalidInputException;
import java.util.List;

/**
 * One metric of a run record (DESIGN.md, "Data that lasts").
 *
 * @param name a stable dotted id, e.g. {@code kv.calculator}
 * @param unit SI base unit or {@code ratio}, e.g. {@code seconds}
 * @param direction whether smaller or bigger is better
 * @param value the number compared across runs (for timings, the median of {@code samples})
 * @param samples the raw measurements behind {@code value}; empty when the metric has none (an
 *     accuracy figure, say), and then left out of the JSON
 */
public record BenchmarkResult(
    String name,
    String unit,
    Direction direction,
    double value,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Double> samples) {
  public BenchmarkResult {
    RunRecord.requireText(name, "name");
    RunRecord.requireText(unit, "unit");
    if (direction == null) {
      throw new InvalidInputException(
          "", "direction", "is missing (smaller_is_better or bigger_is_better)");
    }
    boolean magnitude = NON_NEGATIVE_UNITS.contains(unit);
    checkNumber(value, "value", unit, magnitude);
    samples = samples == null ? List.of() : List.copyOf(samples);
    for (int i = 0; i < samples.size(); i++) {
      checkNumber(samples.get(i), "samples[" + i + "]", unit, magnitude);
    }
  }

  /**
   * Units of quantities that cannot be negative (a time, a size, a rate): a negative value or
   * sample in them is bad input, not an improvement.
   */
  static final java.util.Set<String> NON_NEGATIVE_UNITS =
      java.util.Set.of("seconds", "bytes", "flop", "flops", "flop/s", "bytes/s", "tokens/s");

  private static void checkNumber(double v, String field, String unit, boolean magnitude) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException("", field, "must be a finite number");
    }
    if (magnitude && v < 0) {
      throw new InvalidInputException("", field, "must be >= 0 for unit " + unit + ", got " + v);
    }
  }

  /** Reads a metric from JSON, where a missing {@code value} must not become 0. */
  @JsonCreator
  static BenchmarkResult fromJson(
      @JsonProperty("name") String name,
      @JsonProperty("unit") String unit,
      @JsonProperty("direction") Direction direction,
      @JsonProperty("value") Double value,
      @JsonProperty("samples") List<Double> samples) {
    if (value == null) {
      throw new InvalidInputException("", "value", "is missing");
    }
    return new BenchmarkResult(name, unit, direction, value, samples);
  }

  /** A metric without raw samples. */
  public BenchmarkResult(String name, String unit, Direction direction, double value) {
    this(name, unit, direction, value, List.of());
  }

  /** The samples as an array, or the single value where there are none. */
  public double[] samplesOrValue() {
    return samples.isEmpty()
        ? new double[] {value}
        : samples.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
