package dev.hwplan.posttrain;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;

/**
 * The shapes of the OpenRLHF benchmark's DeepSpeed-Chat Llama-2-7B setup (published-setups.csv,
 * ORLHF-BENCH): PPO, 1,024-token prompts and responses, 1,024 prompts a rollout, micro-batch 8, on
 * 8 A800s (the a100-sxm-80gb profile), colocated; with the policy at ZeRO-3 and nothing offloaded,
 * to exercise generate() on ZeRO-3 shards. The row itself runs its script's ZeRO-2 actor with
 * optimizer offload.
 */
final class OpenRlhfSetup {
  private OpenRlhfSetup() {}

  static PostTrainPlan llama7b(Generation generation, double trainHfu) {
    PostTrainJob job =
        new PostTrainJob(
            ModelCatalog.resolve("llama-2-7b"),
            Method.PPO,
            null,
            null,
            1,
            1024,
            1024,
            1024,
            1,
            false,
            false,
            Offload.NONE,
            8,
            trainHfu,
            generation,
            3);
    String gpu = "a100-sxm-80gb";
    return new PostTrainPlanner(job, ProfileCatalog.bundled().get(gpu), ClusterCatalog.forGpu(gpu))
        .colocated(8);
  }
}
