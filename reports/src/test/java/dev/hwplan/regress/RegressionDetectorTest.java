package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegressionDetectorTest {
  static final RegressionDetector DEFAULTS = new RegressionDetector(RegressionSettings.defaults());

  @Test
  void aPlanted30PercentSlowdownRegresses() {
    List<RunRecord> h = SyntheticRuns.kvHistory();
    RunRecord slow = SyntheticRuns.kvRun(1.3e-6, 7);
    MetricComparison m = DEFAULTS.compare(h, slow).metrics().get(0);
    assertThat(m.verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(m.test()).isEqualTo("mann-whitney-u");
    assertThat(m.pValue()).isLessThan(1e-6);
    assertThat(m.ratio()).isBetween(1.25, 1.35);
    assertThat(m.baselineRuns()).isEqualTo(10);
    assertThat(m.baselineIndices()).containsExactly(2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(m.sameMachine()).isTrue();
  }

  @Test
  void aRunFromTheSameDistributionIsUnchanged() {
    // Every seed from 1 to 20: the same distribution never fails the check.
    for (long seed = 1; seed <= 20; seed++) {
      List<RunRecord> h = SyntheticRuns.history("kv.calculator", 1e-6, 12, seed);
      RunRecord same =
          SyntheticRuns.current(
              SyntheticRuns.timed("kv.calculator", 1e-6, 0.02, 10, new Random(seed + 1000)));
      assertThat(DEFAULTS.compare(h, same).metrics().get(0).verdict())
          .as("seed %d", seed)
          .isEqualTo(Verdict.UNCHANGED);
    }
  }

  @Test
  void aSignificantChangeBelowTheThresholdIsUnchanged() {
    List<RunRecord> h = SyntheticRuns.history("kv.calculator", 1e-6, 12, 3);
    RunRecord bitSlower =
        SyntheticRuns.current(
            SyntheticRuns.timed("kv.calculator", 1.06e-6, 0.005, 10, new Random(3)));
    MetricComparison m = DEFAULTS.compare(h, bitSlower).metrics().get(0);
    assertThat(m.pValue()).isLessThan(0.05);
    assertThat(m.verdict()).isEqualTo(Verdict.UNCHANGED);
  }

  @Test
  void aFasterRunImproves() {
    List<RunRecord> h = SyntheticRuns.history("kv.calculator", 1e-6, 12, 4);
    RunRecord fast = SyntheticRuns.kvRun(0.7e-6, 4);
    assertThat(DEFAULTS.compare(h, fast).metrics().get(0).verdict()).isEqualTo(Verdict.IMPROVED);
  }

  @Test
  void biggerIsBetterRegressesWhenItDrops() {
    List<RunRecord> h = new ArrayList<>();
    Random rnd = new Random(5);
    for (int i = 0; i < 10; i++) {
      h.add(SyntheticRuns.run(i, "m", throughput(1e9, rnd)));
    }
    assertThat(DEFAULTS.compare(h, SyntheticRuns.run(10, "m", throughput(0.7e9, rnd))))
        .extracting(c -> c.metrics().get(0).verdict())
        .isEqualTo(Verdict.REGRESSED);
    assertThat(DEFAULTS.compare(h, SyntheticRuns.run(10, "m", throughput(1.3e9, rnd))))
        .extracting(c -> c.metrics().get(0).verdict())
        .isEqualTo(Verdict.IMPROVED);
  }

  private static BenchmarkResult throughput(double mean, Random rnd) {
    List<Double> s = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      s.add(mean * (1 + 0.02 * rnd.nextGaussian()));
    }
    return new BenchmarkResult(
        "serve.tokensPerSecond", "tokens/s", Direction.BIGGER_IS_BETTER, mean, s);
  }

  @Test
  void withoutSamplesTheWindowsOwnSpreadDecides() {
    List<RunRecord> h = errorHistory(6, 0.01);
    MetricComparison worse = againstError(h, 0.052);
    assertThat(worse.verdict()).isEqualTo(Verdict.REGRESSED);
    assertThat(worse.test()).isEqualTo("robust-z");
    assertThat(worse.pValue()).isNull();
    assertThat(worse.robustZ()).isGreaterThan(RegressionSettings.ROBUST_Z);
    // 5% worse: beyond 3 robust sigmas of a 1%-noise window, but inside the 10% threshold.
    assertThat(againstError(h, 0.042).verdict()).isEqualTo(Verdict.UNCHANGED);
  }

  @Test
  void withoutSamplesANoisyWindowNeedsMoreThanTheThreshold() {
    List<RunRecord> h = errorHistory(8, 0.25);
    MetricComparison m = againstError(h, 0.05);
    assertThat(m.worseBy()).isGreaterThan(0.1);
    assertThat(m.verdict()).isEqualTo(Verdict.UNCHANGED);
  }

  /** Ten runs of a GEMM prediction error of 0.04 with relative noise {@code noise}, no samples. */
  private static List<RunRecord> errorHistory(long seed, double noise) {
    List<RunRecord> h = new ArrayList<>();
    Random rnd = new Random(seed);
    for (int i = 0; i < 10; i++) {
      h.add(SyntheticRuns.run(i, "m", error(0.04 * (1 + noise * rnd.nextGaussian()))));
    }
    return h;
  }

  /** A run of error {@code v} against {@code h}. */
  private static MetricComparison againstError(List<RunRecord> h, double v) {
    return DEFAULTS.compare(h, SyntheticRuns.run(10, "m", error(v))).metrics().get(0);
  }

  private static BenchmarkResult error(double v) {
    return new BenchmarkResult(
        "predict.gemm.h100.medianError", "ratio", Direction.SMALLER_IS_BETTER, v);
  }

  @Test
  void newAndShortHistoriesNeverFail() {
    List<RunRecord> h = SyntheticRuns.history("kv.calculator", 1e-6, 2, 9);
    Random rnd = new Random(9);
    RunRecord cur =
        SyntheticRuns.run(
            9,
            "ci-2core",
            SyntheticRuns.timed("kv.calculator", 5e-6, 0.02, 10, rnd),
            SyntheticRuns.timed("memory.inference", 1e-4, 0.02, 10, rnd));
    Comparison c = DEFAULTS.compare(h, cur);
    assertThat(c.metrics())
        .extracting(MetricComparison::verdict)
        .containsExactly(Verdict.INSUFFICIENT_HISTORY, Verdict.NEW);
    assertThat(c.anyRegressed()).isFalse();
  }

  @Test
  void theBaselineComesFromTheSameMachineWhenItHasEnoughRuns() {
    List<RunRecord> h = new ArrayList<>();
    Random rnd = new Random(10);
    for (int i = 0; i < 12; i++) {
      // A fast workstation between the CI runs: it must not drag the CI baseline down.
      h.add(
          SyntheticRuns.run(
              2 * i, "ci-2core", SyntheticRuns.timed("kv.calculator", 1e-6, 0.02, 10, rnd)));
      h.add(
          SyntheticRuns.run(
              2 * i + 1,
              "workstation",
              SyntheticRuns.timed("kv.calculator", 0.5e-6, 0.02, 10, rnd)));
    }
    RunRecord cur =
        SyntheticRuns.current(SyntheticRuns.timed("kv.calculator", 1e-6, 0.02, 10, rnd));
    MetricComparison m = DEFAULTS.compare(h, cur).metrics().get(0);
    assertThat(m.verdict()).isEqualTo(Verdict.UNCHANGED);
    assertThat(m.sameMachine()).isTrue();
    assertThat(m.baselineIndices()).allMatch(i -> i % 2 == 0).hasSize(10);
  }

  @Test
  void otherMachinesFillInWhenThisOneIsNew() {
    List<RunRecord> h = SyntheticRuns.history("kv.calculator", 1e-6, 5, 11);
    RunRecord cur =
        SyntheticRuns.run(
            99, "new-box", SyntheticRuns.timed("kv.calculator", 1e-6, 0.02, 10, new Random(11)));
    MetricComparison m = DEFAULTS.compare(h, cur).metrics().get(0);
    assertThat(m.sameMachine()).isFalse();
    assertThat(m.baselineRuns()).isEqualTo(5);
  }

  @Test
  void aChangedUnitStartsANewSeries() {
    List<RunRecord> h = SyntheticRuns.history("kv.calculator", 1e-6, 5, 12);
    RunRecord cur =
        SyntheticRuns.current(
            new BenchmarkResult("kv.calculator", "ratio", Direction.SMALLER_IS_BETTER, 3));
    assertThat(DEFAULTS.compare(h, cur).metrics().get(0).verdict()).isEqualTo(Verdict.NEW);
  }
}
