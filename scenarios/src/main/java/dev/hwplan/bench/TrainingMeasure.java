package dev.hwplan.bench;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.Direction;
import dev.hwplan.step.Execution;
import dev.hwplan.training.Layout;
import dev.hwplan.training.LayoutSearch;
import dev.hwplan.training.Precision;
import dev.hwplan.training.PublishedRuns;
import dev.hwplan.training.PublishedValidation;
import dev.hwplan.training.Recompute;
import dev.hwplan.training.TrainingJob;
import dev.hwplan.training.TrainingPlanner;
import java.util.List;
import java.util.function.Supplier;

/**
 * The training planner's speed and accuracy (issue 17):
 *
 * <ul>
 *   <li>{@link #evaluate()}: seconds per layout evaluation ({@code TrainingPlanner.evaluate}, the
 *       plan with its breakdowns), Llama-3.1-405B on 16,384 H100s at 8k tokens, global batch 2,048,
 *       TP 4 PP 64 DP 8 CP 8, once the layer costs are known (timed by {@link TimedMeasure}).
 *   <li>{@link #search530b()}: wall seconds of the whole layout search for Turing-530B on 5,128
 *       A100s (Calculon's README case: 2,048 tokens, global batch 2,520), a new planner each time
 *       (the per-layer costs computed within the timing); the median of 3 runs (quick: 1).
 *   <li>{@link #search405b()}: the same for Llama-3.1-405B on 16,384 H100s, 8k tokens, batch 2,048.
 *   <li>{@link #table5()}, {@link #table1()}: mean |error| against Korthikanti et al. 2022 Table 5
 *       and Narayanan et al. 2021 Table 1 ({@link PublishedValidation}), ratios.
 * </ul>
 */
final class TrainingMeasure {
  private TrainingMeasure() {}

  static TrainingPlanner llama405b() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-405b");
    GpuProfile g = ProfileCatalog.bundled().get("h100-sxm");
    return TrainingPlanner.calibrated(
        TrainingJob.of(m, 8192, 2048, Precision.BF16_FP32_MASTER),
        g,
        ClusterCatalog.get("dgx-h100", "cluster"),
        16384);
  }

  static TrainingPlanner turing530b() {
    ModelSpec m = PublishedRuns.model("turing-530b");
    GpuProfile g = ProfileCatalog.bundled().get("a100-sxm-80gb");
    return TrainingPlanner.calibrated(
            new TrainingJob(
                m,
                2048,
                2520,
                Precision.BF16_FP32_MASTER,
                true,
                false,
                false,
                Execution.FUSED,
                true),
            g,
            ClusterCatalog.get("dgx-a100", "cluster"),
            5128)
        .atMost(true);
  }

  static Measure evaluate() {
    return TimedMeasure.of(
        () -> {
          TrainingPlanner p = llama405b();
          Layout l = new Layout(4, 64, 8, 8, 1, 1, true, 1, 2, Recompute.NONE, false);
          p.evaluate(l);
          return () -> p.evaluate(l).stepSeconds();
        });
  }

  static Measure search530b() {
    return search(TrainingMeasure::turing530b, true);
  }

  /** The same search without pruning: the pair that shows what the pruning gains. */
  static Measure search530bExhaustive() {
    return search(TrainingMeasure::turing530b, false);
  }

  static Measure search405b() {
    return search(TrainingMeasure::llama405b, true);
  }

  private static Measure search(
      java.util.function.Supplier<TrainingPlanner> planner, boolean prune) {
    return (name, s) -> {
      // warm the JIT and the calibration once, untimed
      LayoutSearch.search(planner.get(), LayoutSearch.Constraints.none(), 5, prune);
      int runs = s.warmupNanos() < BenchSettings.FULL.warmupNanos() ? 1 : 3;
      double[] t = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        LayoutSearch.search(planner.get(), LayoutSearch.Constraints.none(), 5, prune);
        t[i] = (System.nanoTime() - t0) / 1e9;
      }
      java.util.Arrays.sort(t);
      return new BenchmarkResult(
          name, "seconds", Direction.SMALLER_IS_BETTER, t[runs / 2], List.of());
    };
  }

  static Measure table5() {
    return meanError(PublishedValidation::korthikantiTable5);
  }

  static Measure table1() {
    return meanError(PublishedValidation::narayananTable1);
  }

  /** The mean |error| against a published table, its rows built when the benchmark runs. */
  private static Measure meanError(Supplier<List<PublishedValidation.Row>> table) {
    return (name, s) ->
        new BenchmarkResult(
            name,
            "ratio",
            Direction.SMALLER_IS_BETTER,
            PublishedValidation.meanAndWorst(table.get())[0],
            List.of());
  }
}
