package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run in github-action-benchmark's "custom" formats: a JSON array of {@code {name, unit, value,
 * range?, extra?}} objects, read by the action with {@code tool: 'customSmallerIsBetter'} or {@code
 * tool: 'customBiggerIsBetter'}. One file holds one tool's metrics, so a run with both directions
 * gives two files. {@code value} is a number; {@code range} and {@code extra} are free text shown
 * in the chart's tooltip.
 *
 * <p>Source: benchmark-action/github-action-benchmark, {@code src/extract.ts} ({@code interface
 * BenchmarkResult { name: string; value: number; range?: string; unit: string; extra?: string }})
 * and its README, "Examples" / custom benchmarks (the custom tools came with PR #81):
 * https://github.com/benchmark-action/github-action-benchmark
 */
public final class GithubActionBenchmark {
  /** The action's {@code tool} input for each direction. */
  public static String tool(Direction d) {
    return d == Direction.SMALLER_IS_BETTER ? "customSmallerIsBetter" : "customBiggerIsBetter";
  }

  /** One element of the array. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "unit", "value", "range", "extra"})
  public record Entry(String name, String unit, double value, String range, String extra) {}

  private GithubActionBenchmark() {}

  /** The run's metrics, split by direction (each list in the run's order). */
  public static Map<Direction, List<Entry>> entries(RunRecord run) {
    Map<Direction, List<Entry>> out = new EnumMap<>(Direction.class);
    for (BenchmarkResult b : run.benchmarks()) {
      out.computeIfAbsent(b.direction(), d -> new ArrayList<>()).add(entry(run, b));
    }
    return out;
  }

  static Entry entry(RunRecord run, BenchmarkResult b) {
    String range = null;
    StringBuilder extra = new StringBuilder();
    if (b.samples().size() >= 2) {
      double[] s = b.samplesOrValue();
      double lo = Arrays.stream(s).min().orElseThrow();
      double hi = Arrays.stream(s).max().orElseThrow();
      range = String.format(Locale.ROOT, "± %.3g", (hi - lo) / 2);
      extra.append(
          String.format(
              Locale.ROOT, "median of %d samples (min %.4g, max %.4g)\n", s.length, lo, hi));
    }
    extra.append("commit: ").append(run.commit()).append("\nmachine: ").append(run.machine());
    return new Entry(b.name(), b.unit(), b.value(), range, extra.toString());
  }

  /**
   * Writes {@code github-action-benchmark.customSmallerIsBetter.json} and/or {@code
   * ...customBiggerIsBetter.json} into {@code dir} (only the directions the run has: the action
   * rejects a file with no benchmarks) and returns the files written.
   */
  public static List<Path> write(Path dir, RunRecord run) {
    List<Path> files = new ArrayList<>();
    for (Map.Entry<Direction, List<Entry>> e : entries(run).entrySet()) {
      Path f = dir.resolve("github-action-benchmark." + tool(e.getKey()) + ".json");
      AtomicFiles.writeString(f, json(e.getValue()));
      files.add(f);
    }
    return files;
  }

  static String json(Object value) {
    try {
      return StrictMapper.indentedJson(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
