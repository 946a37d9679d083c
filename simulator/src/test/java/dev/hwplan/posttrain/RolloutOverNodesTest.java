package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ParameterCounter;
import org.junit.jupiter.api.Test;

/**
 * A policy whose bf16 weights no node holds (Llama-3.1-405B: 811 GB against 8 x 80 GB) rolls out on
 * engines of a node's TP in pipeline stages over nodes, as verl and OpenRLHF run vLLM for it (a new
 * user's audit: GRPO on 405B and DeepSeek-V3 found no plan at any size).
 */
class RolloutOverNodesTest {
  private static PostTrainPlanner planner(String model) {
    PostTrainJob job =
        PostTrainJob.of(ModelCatalog.resolve(model), Method.GRPO, null, null, 8, 512, 512, 16);
    return new PostTrainPlanner(
        job, ProfileCatalog.bundled().get("h100-sxm"), ClusterCatalog.forGpu("h100-sxm"));
  }

  @Test
  void a405bPolicyRollsOutOnTwoNodeEngines() {
    PostTrainPlan p = planner("llama-3.1-405b").colocated(1024);
    assertThat(p.fits()).isTrue();
    PostTrainPlan.Rollout r = p.rollout();
    assertThat(r.tp()).isEqualTo(8);
    assertThat(r.pp()).isEqualTo(2);
    assertThat(r.engines()).isEqualTo(64);
    // the engine's bf16 weights over its 16 GPUs
    double weights = 2.0 * ParameterCounter.count(ModelCatalog.resolve("llama-3.1-405b")).total();
    assertThat(r.engineWeightBytesPerGpu()).isCloseTo(weights / 16, within(1.0));
    assertThat(p.time().generationSeconds()).isPositive();
    assertThat(p.notes()).anyMatch(n -> n.startsWith("collectives across nodes"));
  }

  @Test
  void aPolicyANodeHoldsKeepsItsOneNodeEngine() {
    PostTrainPlan.Rollout r = planner("llama-3.1-70b").colocated(64).rollout();
    assertThat(r.pp()).isEqualTo(1);
    assertThat(r.tp()).isLessThanOrEqualTo(8);
  }
}
