package dev.hwplan.regress;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded run records: samples drawn from N(mean, (cv·mean)²). */
final class SyntheticRuns {
  private SyntheticRuns() {}

  static BenchmarkResult timed(String name, double mean, double cv, int samples, Random rnd) {
    List<Double> s = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      s.add(mean * (1 + cv * rnd.nextGaussian()));
    }
    double median = RobustStats.median(s.stream().mapToDouble(Double::doubleValue).toArray());
    return new BenchmarkResult(name, "seconds", Direction.SMALLER_IS_BETTER, median, s);
  }

  static RunRecord run(int i, String machine, BenchmarkResult... b) {
    return new RunRecord(
        String.format("c%06x", i),
        machine,
        String.format("2026-11-%02dT06:00:00Z", 1 + i % 28),
        List.of(b));
  }

  /** {@code n} runs of one timed metric on one machine, 10 samples each, 2% noise. */
  static List<RunRecord> history(String name, double mean, int n, long seed) {
    Random rnd = new Random(seed);
    List<RunRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(run(i, "ci-2core", timed(name, mean, 0.02, 10, rnd)));
    }
    return out;
  }

  /** The kv.calculator history the regression tests share: 12 runs of 1 µs (seed 42). */
  static List<RunRecord> kvHistory() {
    return history("kv.calculator", 1e-6, 12, 42);
  }

  /** Run 99 of kv.calculator on ci-2core at {@code mean} seconds, 10 samples, 2% noise. */
  static RunRecord kvRun(double mean, long seed) {
    return current(timed("kv.calculator", mean, 0.02, 10, new Random(seed)));
  }

  /** A kv.calculator timing: {@code seconds}, its {@code samples}. */
  static BenchmarkResult kvCalculator(double seconds, List<Double> samples) {
    return new BenchmarkResult(
        "kv.calculator", "seconds", Direction.SMALLER_IS_BETTER, seconds, samples);
  }

  /** The run under test: run 99, on ci-2core, the machine of the histories. */
  static RunRecord current(BenchmarkResult... b) {
    return run(99, "ci-2core", b);
  }
}
