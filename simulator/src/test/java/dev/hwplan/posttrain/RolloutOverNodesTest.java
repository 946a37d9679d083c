package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.parallel.Parallelism;
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
    // the largest stage's bf16 weights, as the memory model counts them: about a sixteenth
    ModelSpec m = ModelCatalog.resolve("llama-3.1-405b");
    assertThat(r.engineWeightBytesPerGpu())
        .isEqualTo(
            (double)
                InferenceMemoryCalculator.weightBytesPerGpu(
                    m, Parallelism.of(8, 2), WeightDtype.BF16));
    double weights = 2.0 * ParameterCounter.count(m).total();
    assertThat(r.engineWeightBytesPerGpu() / (weights / 16)).isBetween(1.0, 1.02);
    assertThat(p.time().generationSeconds()).isPositive();
    assertThat(p.notes()).anyMatch(n -> n.startsWith("collectives across nodes"));
  }

  @Test
  void aPolicyANodeHoldsKeepsItsOneNodeEngine() {
    PostTrainPlan.Rollout r = planner("llama-3.1-70b").colocated(64).rollout();
    assertThat(r.pp()).isEqualTo(1);
    assertThat(r.tp()).isLessThanOrEqualTo(8);
  }

  /**
   * DeepSeek-V3's MLA cache is one latent a token on every TP rank (it has 128 KV heads in its
   * config, which divided the cache eightfold at TP 8): the engine's cache per GPU is the memory
   * model's, its largest stage's layers.
   */
  @Test
  void anMlaPolicysCacheIsItsLatentOnEveryRank() {
    PostTrainJob job =
        PostTrainJob.of(
            ModelCatalog.resolve("deepseek-v3"), Method.GRPO, null, null, 8, 2048, 2048, 64);
    PostTrainPlan.Rollout r =
        new PostTrainPlanner(
                job, ProfileCatalog.bundled().get("h100-sxm"), ClusterCatalog.forGpu("h100-sxm"))
            .colocated(1024)
            .rollout();
    long perToken =
        KvCacheCalculator.tokenBytesPerGpu(
            ModelCatalog.resolve("deepseek-v3"),
            KvDtype.BF16,
            MlaLayout.LATENT,
            Parallelism.of(r.tp(), r.pp()));
    assertThat(r.kvBytesPerGpu()).isEqualTo(r.concurrentSequences() * 4096.0 * perToken);
  }
}
