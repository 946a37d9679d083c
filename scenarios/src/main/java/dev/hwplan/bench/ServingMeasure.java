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
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
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
 *   <li>From the same run, side by side (the machine's load is the same for all of them): {@link
 *       #secondsPerIteration()}, the wall time of one simulated iteration; {@link
 *       #iterationToStepModel()}, that time over one direct evaluation of the step model for a
 *       typical iteration of the run (its mean batch of decodes at the run's mean context; what the
 *       step-time table saves), timed in the same JVM right after; and {@link
 *       #millionRequestsToTarget()}, the seconds per million requests over issue 16's target of 10
 *       s on a 2-core machine.
 *   <li>{@link #findMinGpus()}: seconds per candidate of {@code --find-min-gpus} for Llama-3.1-70B
 *       at 20 req/s (p99 TTFT 500 ms, TPOT 50 ms, 1,000 requests a run). Full: H100, H200, B200 and
 *       A100-80GB x TP 1, 2, 4, 8 x bf16/fp8 weights x bf16/fp8 KV (over 100 candidates), each
 *       layout's table filled within the timing; quick: H100, TP 4 and 8, fp8, 300 requests.
 * </ul>
 */
final class ServingMeasure implements Measure {
  /** What a measure reports. */
  private enum Figure {
    SECONDS_PER_MILLION,
    SECONDS_PER_ITERATION,
    ITERATION_TO_STEP_MODEL,
    MILLION_TO_TARGET,
    FIND_MIN_GPUS
  }

  /** Issue 16's target: a million requests on one replica in at most 10 s on 2 cores. */
  static final double TARGET_SECONDS_PER_MILLION = 10;

  private final Figure figure;

  private ServingMeasure(Figure figure) {
    this.figure = figure;
  }

  static ServingMeasure simulate() {
    return new ServingMeasure(Figure.SECONDS_PER_MILLION);
  }

  static ServingMeasure secondsPerIteration() {
    return new ServingMeasure(Figure.SECONDS_PER_ITERATION);
  }

  static ServingMeasure iterationToStepModel() {
    return new ServingMeasure(Figure.ITERATION_TO_STEP_MODEL);
  }

  static ServingMeasure millionRequestsToTarget() {
    return new ServingMeasure(Figure.MILLION_TO_TARGET);
  }

  static ServingMeasure findMinGpus() {
    return new ServingMeasure(Figure.FIND_MIN_GPUS);
  }

  /**
   * One timed simulation and the step model timed after it.
   *
   * @param seconds wall seconds of the run
   * @param requests requests simulated
   * @param iterations iterations simulated
   * @param stepModelSeconds wall seconds of one direct step-model evaluation of a typical iteration
   */
  record SimulationRun(double seconds, long requests, long iterations, double stepModelSeconds) {}

  /** The run, once per JVM and mode: every figure of it comes from the same run. */
  private static final java.util.Map<Boolean, SimulationRun> RUNS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean quick(BenchSettings s) {
    return s.warmupNanos() < BenchSettings.FULL.warmupNanos();
  }

  @Override
  public BenchmarkResult run(String name, BenchSettings s) {
    if (figure == Figure.FIND_MIN_GPUS) {
      return result(name, "seconds", searchSecondsPerCandidate(quick(s)));
    }
    SimulationRun r = RUNS.computeIfAbsent(quick(s), ServingMeasure::simulation);
    double perIteration = r.seconds() / r.iterations();
    return switch (figure) {
      case SECONDS_PER_MILLION -> result(name, "seconds", r.seconds() * 1e6 / r.requests());
      case SECONDS_PER_ITERATION -> result(name, "seconds", perIteration);
      case ITERATION_TO_STEP_MODEL -> result(name, "ratio", perIteration / r.stepModelSeconds());
      case MILLION_TO_TARGET ->
          result(name, "ratio", r.seconds() * 1e6 / r.requests() / TARGET_SECONDS_PER_MILLION);
      default -> throw new IllegalStateException(figure.name());
    };
  }

  private static BenchmarkResult result(String name, String unit, double value) {
    // one whole run, not batches of calls: no samples, so regress judges it by the window's spread
    return new BenchmarkResult(name, unit, Direction.SMALLER_IS_BETTER, value, List.of());
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

  private static SimulationRun simulation(boolean quick) {
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
    // the step model itself, for a typical iteration of the run: its mean batch as decodes at the
    // run's mean context (prompt 576 + half the output 144: 720), the context varied a little from
    // call to call so that nothing is reused between calls
    StepModel steps = table.steps();
    long batch = Math.max(1, Math.round(r.meanBatchSize()));
    double sink = 0;
    int calls = quick ? 200 : 1000;
    for (int i = 0; i < calls / 4; i++) {
      sink += steps.seconds(StepComposition.decode(batch, 700 + (i % 41)));
    }
    long s0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      sink += steps.seconds(StepComposition.decode(batch, 700 + (i % 41)));
    }
    double stepSeconds = (System.nanoTime() - s0) / 1e9 / calls;
    if (!(sink > 0)) {
      throw new IllegalStateException("the step model gave no time");
    }
    return new SimulationRun(seconds, n, r.iterations(), stepSeconds);
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
            false,
            // one layout after another, so that the figure stays the time of one candidate
            dev.hwplan.sweep.LocalSweepExecutor.sequential(),
            (d, t) -> {});
    double seconds = (System.nanoTime() - t0) / 1e9;
    return seconds / r.searched().size();
  }
}
