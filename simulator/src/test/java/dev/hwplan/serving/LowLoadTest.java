package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTimeTable;
import org.junit.jupiter.api.Test;

/**
 * At very low load every request is alone on its replica, so its TTFT is one prefill step of its
 * prompt and its TPOT the mean decode step over its output: what {@code infer} reports for batch 1
 * of the same shape (TTFT = the prefill step; TPOT = the decode step at the mean context, the
 * decode time being linear in the context), plus the engine overhead per iteration. Both within
 * 0.1% (TTFT: the step-time table's bound) and 0.2% (TPOT: the mean over 199 decode steps against
 * one step at the mean context).
 */
class LowLoadTest {
  /** vLLM's defaults with an engine overhead of {@code seconds} an iteration. */
  static ServingPlan.Settings vllm(double seconds) {
    ServingPlan.Settings s = ServingPlan.Settings.defaults(Policy.VLLM);
    return new ServingPlan.Settings(
        s.policy(),
        null,
        null,
        s.blockSize(),
        s.gpuMemUtil(),
        s.preemption(),
        seconds,
        s.routing(),
        null,
        null);
  }

  @Test
  void lowLoadTtftAndTpotAreInfersPrefillAndDecodeSteps() {
    GpuProfile g = ProfileCatalog.bundled().get("h100-sxm");
    StepConfig c =
        new StepConfig(
            ModelCatalog.resolve("llama-3.1-70b"),
            Parallelism.of(4, 1),
            WeightDtype.FP8,
            KvDtype.parse("fp8", "kv"),
            MlaLayout.LATENT,
            Execution.FUSED);
    int prompt = 1500;
    int output = 200;
    InferenceEstimate infer =
        InferenceEstimator.estimate(new InferenceRequest(c, g, 1, prompt, output, Mode.CALIBRATED));
    for (double overhead : new double[] {0, 2e-3}) {
      ServingPlan plan = ServingPlan.of(c, g, 1, vllm(overhead));
      StepModel steps = plan.stepModel();
      StepTimeTable table = steps.table();
      LengthDistribution p = LengthDistribution.fixed(prompt);
      LengthDistribution o = LengthDistribution.fixed(output);
      // one request every 1,000 s: each finishes (about 5 s) long before the next arrives
      ServingResult r = plan.simulate(table, Workload.open(0.001, 1, p, o, 20, 1), 0, 0);
      assertThat(r.ttftSeconds().p50())
          .isCloseTo(r.ttftSeconds().mean(), within(1e-3 * r.ttftSeconds().mean()));
      assertThat(r.ttftSeconds().mean())
          .isCloseTo(infer.ttftSeconds() + overhead, within(1e-3 * infer.ttftSeconds()));
      assertThat(r.tpotSeconds().mean())
          .isCloseTo(infer.tpotSeconds() + overhead, within(2e-3 * infer.tpotSeconds()));
      assertThat(r.queueingDelaySeconds().mean()).isZero();
      assertThat(r.meanBatchSize()).isEqualTo(1.0);
    }
  }
}
