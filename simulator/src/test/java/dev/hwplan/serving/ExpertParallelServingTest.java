package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --ep N}: a replica of N expert-parallel ranks, each a TP group holding 1/N of the
 * routed experts (the memory model's weights per GPU) with its own KV cache and scheduler, timed by
 * the step model's EP form (the one {@code infer --ep N} reports).
 */
class ExpertParallelServingTest {
  static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");
  static final ModelSpec QWEN3_MOE = ModelCatalog.resolve("qwen3-30b-a3b");

  static StepConfig config(int ep) {
    return new StepConfig(
        QWEN3_MOE,
        new Parallelism(1, 1, 1, ep),
        WeightDtype.BF16,
        KvDtype.parse("bf16", "kv"),
        MlaLayout.LATENT,
        Execution.FUSED);
  }

  @Test
  void eachRankHoldsItsShareOfTheExpertsAndItsOwnCache() {
    ServingPlan.Settings s = ServingPlan.Settings.defaults(Policy.VLLM);
    ServingPlan one = ServingPlan.of(config(1), H100, 1, s);
    ServingPlan two = ServingPlan.of(config(2), H100, 3, s);
    assertThat(two.gpus()).isEqualTo(6);
    assertThat(two.engine().ranks()).isEqualTo(2);
    assertThat(two.memory().weightBytes())
        .isEqualTo(
            InferenceMemoryCalculator.weightBytesPerGpu(
                QWEN3_MOE, new Parallelism(1, 1, 1, 2), WeightDtype.BF16))
        .isLessThan(one.memory().weightBytes());
    // the GPU's memory freed by half the experts holds KV blocks
    assertThat(two.engine().kvBlocks()).isGreaterThan(one.engine().kvBlocks());
    assertThat(two.notes()).anyMatch(n -> n.startsWith("EP 2: 2 ranks of TP 1"));
  }

  /**
   * At very low load a request is alone on its rank, the other rank idle: its TTFT is {@code infer
   * --ep 2}'s prefill of batch 1 (one sequence on the busiest rank) plus the engine overhead.
   */
  @Test
  void lowLoadTtftIsInfersExpertParallelPrefill() {
    int prompt = 500; // token counts up to 512 are timed exactly by the step-time table
    int output = 50;
    InferenceEstimate infer =
        InferenceEstimator.estimate(
            new InferenceRequest(config(2), H100, 1, prompt, output, Mode.CALIBRATED));
    ServingPlan plan =
        ServingPlan.of(config(2), H100, 1, ServingPlan.Settings.defaults(Policy.VLLM));
    LengthDistribution p = LengthDistribution.fixed(prompt);
    LengthDistribution o = LengthDistribution.fixed(output);
    ServingResult r =
        plan.simulate(plan.stepModel().table(), Workload.open(0.001, 1, p, o, 10, 1), 0, 0);
    double overhead = EngineConfig.DEFAULT_ENGINE_OVERHEAD_SECONDS;
    assertThat(r.completedRequests()).isEqualTo(10);
    assertThat(r.ttftSeconds().mean())
        .isCloseTo(infer.ttftSeconds() + overhead, within(1e-3 * infer.ttftSeconds()));
    assertThat(r.tpotSeconds().mean())
        .isCloseTo(infer.tpotSeconds() + overhead, within(2e-3 * infer.tpotSeconds()));
  }
}
