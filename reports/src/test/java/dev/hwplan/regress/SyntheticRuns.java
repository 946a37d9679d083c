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
}
