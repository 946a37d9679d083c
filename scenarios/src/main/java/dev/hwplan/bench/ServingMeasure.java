package dev.hwplan.bench;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.Direction;
import dev.hwplan.serving.CapacitySearch;
import dev.hwplan.serving.LengthDistribution;
import dev.hwplan.serving.Policy;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.ServingResult;
import dev.hwplan.serving.Workload;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepTimeTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The serving simulator's speed, wall time of whole runs (not microbenchmarks: one run, no samples,
 * so {@code hwplan regress} judges them by the spread of the history window, as it does the
 * accuracy figures):
 *
 * <ul>
 *   <li>{@link #simulate()}: seconds per million simulated requests on one replica (Llama-3.1-8B,
 *       one H100, vLLM policy, Poisson 40 req/s, prompts uniform 128-1,024 and outputs uniform
 *       32-256 tokens: about 140 sequences an iteration, a million iterations per million
 *       requests). Full: a million requests; quick: 100,000, scaled. The step-time table is filled
 *       and the JIT warmed by a 20,000-request run first, untimed.
 *   <li>{@link #findMinGpus()}: seconds per candidate of {@code --find-min-gpus} for Llama-3.1-70B
 *       at 20 req/s (p99 TTFT 500 ms, TPOT 50 ms, 1,000 requests a run). Full: H100, H200, B200 and
 *       A100-80GB x TP 1, 2, 4, 8 x bf16/fp8 weights x bf16/fp8 KV (over 100 candidates), each
 *       layout's table filled within the timing; quick: H100, TP 4 and 8, fp8, 300 requests.
 * </ul>
 */
final class ServingMeasure implements Measure {
  private final boolean search;

  private ServingMeasure(boolean search) {
    this.search = search;
  }

  static ServingMeasure simulate() {
    return new ServingMeasure(false);
  }

  static ServingMeasure findMinGpus() {
    return new ServingMeasure(true);
  }

  private static boolean quick(BenchSettings s) {
    return s.warmupNanos() < BenchSettings.FULL.warmupNanos();
  }

  @Override
  public BenchmarkResult run(String name, BenchSettings s) {
    double value = search ? searchSecondsPerCandidate(quick(s)) : secondsPerMillion(quick(s));
    // one whole run, not batches of calls: no samples, so regress judges it by the window's spread
    return new BenchmarkResult(name, "seconds", Direction.SMALLER_IS_BETTER, value, List.of());
  }

  /** The simulation benchmark's deployment. */
  static ServingPlan simulatePlan() {
    GpuProfile g = ProfileCatalog.bundled().get("h100-sxm");
    return ServingPlan.of(
        StepConfig.of(ModelCatalog.resolve("llama-3.1-8b")),
        g,
        1,
        ServingPlan.Settings.defaults(Policy.VLLM));
  }

  /** The simulation benchmark's traffic. */
  static Workload simulateWorkload(long requests) {
    return Workload.open(
        40,
        1,
        LengthDistribution.parse("uniform:128:1024", "prompt"),
        LengthDistribution.parse("uniform:32:256", "output"),
        requests,
        1);
  }

  private static double secondsPerMillion(boolean quick) {
    ServingPlan plan = simulatePlan();
    StepTimeTable table = plan.stepModel().table();
    plan.simulate(table, simulateWorkload(20_000), 0, 0);
    long n = quick ? 100_000 : 1_000_000;
    long t0 = System.nanoTime();
    ServingResult r = plan.simulate(table, simulateWorkload(n), 0, 0);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (r.completedRequests() != n) {
      throw new IllegalStateException("the benchmark run did not complete every request");
    }
    return seconds * 1e6 / n;
  }

  private static double searchSecondsPerCandidate(boolean quick) {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-70b");
    ProfileCatalog cat = ProfileCatalog.bundled();
    List<String> gpus =
        quick ? List.of("h100-sxm") : List.of("h100-sxm", "h200-sxm", "b200", "a100-sxm-80gb");
    List<Integer> tps = quick ? List.of(4, 8) : List.of(1, 2, 4, 8);
    List<String> dtypes = quick ? List.of("fp8") : List.of("bf16", "fp8");
    List<CapacitySearch.Layout> layouts = new ArrayList<>();
    for (String g : gpus) {
      for (int tp : tps) {
        for (String w : dtypes) {
          for (String kv : dtypes) {
            StepConfig c =
                new StepConfig(
                    m,
                    Parallelism.of(tp, 1),
                    WeightDtype.parse(w, "w"),
                    KvDtype.parse(kv, "kv"),
                    MlaLayout.LATENT,
                    Execution.FUSED);
            layouts.add(new CapacitySearch.Layout(c, cat.get(g), null));
          }
        }
      }
    }
    Workload w =
        Workload.open(
            20,
            1,
            LengthDistribution.parse("uniform:500:2000", "prompt"),
            LengthDistribution.parse("uniform:100:300", "output"),
            quick ? 300 : 1000,
            0);
    long t0 = System.nanoTime();
    CapacitySearch.MinGpus r =
        CapacitySearch.findMinGpus(
            layouts,
            ServingPlan.Settings.defaults(Policy.VLLM),
            w,
            new CapacitySearch.Objective(0.5, 0.05),
            64,
            // one layout after another, so that the figure stays the time of one candidate
            dev.hwplan.sweep.LocalSweepExecutor.sequential(),
            (d, t) -> {});
    double seconds = (System.nanoTime() - t0) / 1e9;
    return seconds / r.searched().size();
  }
}
