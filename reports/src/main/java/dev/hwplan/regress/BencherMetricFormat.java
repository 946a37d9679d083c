package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.hwplan.io.AtomicFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A run in Bencher Metric Format (BMF) JSON, for {@code bencher run --adapter json --file F}:
 *
 * <pre>{ "&lt;benchmark name&gt;": { "&lt;measure slug&gt;": { "value": 88.0, "lower_value": 87.42,
 * "upper_value": 88.88 } } }</pre>
 *
 * {@code value} is required; {@code lower_value} and {@code upper_value} are optional. Here they
 * are the smallest and largest sample, and are left out for a metric without samples.
 *
 * <p>Measures: a metric in {@code seconds} goes to Bencher's built-in {@code latency} measure,
 * whose unit is nanoseconds, so its numbers are multiplied by 1e9. Any other unit becomes a measure
 * of that name's slug (e.g. {@code ratio}), which Bencher creates on first use.
 *
 * <p>Source: https://bencher.dev/docs/reference/bencher-metric-format/ (the example and the JSON
 * schema, {@code $id: https://bencher.dev/bmf.json}) and
 * https://bencher.dev/docs/how-to/track-custom-benchmarks/ (built-in measures: {@code latency} in
 * ns, {@code throughput} in ops/s).
 */
public final class BencherMetricFormat {
  /** File name written by {@link #write}. */
  public static final String FILE = "bencher.bmf.json";

  /** Bencher's built-in latency measure, in nanoseconds. */
  public static final String LATENCY = "latency";

  /** One metric value. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"value", "lower_value", "upper_value"})
  public record Metric(
      double value,
      @JsonProperty("lower_value") Double lowerValue,
      @JsonProperty("upper_value") Double upperValue) {}

  private BencherMetricFormat() {}

  /** Benchmark name → measure slug → metric, in the run's order. */
  public static Map<String, Map<String, Metric>> of(RunRecord run) {
    Map<String, Map<String, Metric>> out = new LinkedHashMap<>();
    for (BenchmarkResult b : run.benchmarks()) {
      double scale = b.unit().equals("seconds") ? 1e9 : 1;
      Double lo = null;
      Double hi = null;
      if (!b.samples().isEmpty()) {
        double[] s = b.samplesOrValue();
        lo = Arrays.stream(s).min().orElseThrow() * scale;
        hi = Arrays.stream(s).max().orElseThrow() * scale;
      }
      out.computeIfAbsent(b.name(), k -> new LinkedHashMap<>())
          .put(measure(b.unit()), new Metric(b.value() * scale, lo, hi));
    }
    return out;
  }

  /** The measure slug for a unit: {@code latency} for seconds, else the unit as a slug. */
  public static String measure(String unit) {
    if (unit.equals("seconds")) {
      return LATENCY;
    }
    String slug = unit.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    slug = slug.replaceAll("^-+|-+$", "");
    return slug.isEmpty() ? "value" : slug.substring(0, Math.min(64, slug.length()));
  }

  /** Writes {@link #FILE} into {@code dir} and returns it. */
  public static Path write(Path dir, RunRecord run) {
    Path f = dir.resolve(FILE);
    AtomicFiles.writeString(f, GithubActionBenchmark.json(of(run)));
    return f;
  }
}
