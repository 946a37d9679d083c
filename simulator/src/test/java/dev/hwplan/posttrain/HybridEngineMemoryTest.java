package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.training.TrainingPlanner;
import org.junit.jupiter.api.Test;

/**
 * What DeepSpeed's hybrid engine keeps on a GPU, read from DeepSpeed v0.9.0 (commit 0b5252bb, the
 * release DeepSpeed-Chat's e468799f required): {@code runtime/hybrid_engine.py} and {@code
 * csrc/transformer/inference/includes/inference_context.h}.
 */
class HybridEngineMemoryTest {
  private static final ModelSpec OPT_350M = PublishedSetupsTest.model("opt-350m");

  /** DeepSpeed-Chat's step 3 on A100 80G: 256 + 256 tokens, {@code batch} prompts per GPU. */
  private static PostTrainPlanner planner(
      ModelSpec actor, Lora lora, int gpus, int batch, int zeroStage) {
    PostTrainJob job =
        new PostTrainJob(
            actor,
            Method.PPO,
            lora,
            OPT_350M,
            1,
            256,
            256,
            batch * gpus,
            1,
            false,
            false,
            Offload.of(false, false, false),
            batch,
            0.1934,
            new Generation(Engine.DS_HYBRID, batch, 0, 0, 1, 0),
            zeroStage);
    return new PostTrainPlanner(
        job, ProfileCatalog.bundled().get("a100-sxm-80gb"), ClusterCatalog.forGpu("a100-sxm-80gb"));
  }

  @Test
  void workspaceIsGenWorkSpacesAllocation() {
    // inference_context.h GenWorkSpace for OPT-30B (7168 wide, 56 heads of 128, 48 layers), a
    // batch of 4 at inference_tp_size 1 and max_out_tokens 512: activation 10 * 7168 * 4, temp
    // 4 * 56 * 512, cache 48 * 4 * 7168 * 2, times 512 tokens of 2 bytes
    PostTrainPlanner p =
        planner(PublishedSetupsTest.model("opt-30b"), new Lora(128, false), 8, 4, 3);
    PostTrainPlan.Rollout r = new PostTrainPlan.Rollout(1, 1, 8, 4, 4, 1, 0, 0);
    RolloutSizing s = new RolloutSizing(p.job(), 80.0 * (1L << 30), 79.0 * (1L << 30), 8);
    long want = (10L * 7168 * 4 + 4L * 56 * 512 + 48L * 4 * 7168 * 2) * 512 * 2;
    assertThat(s.workspaceBytes(r)).isEqualTo((double) want);
  }

  @Test
  void workspaceStaysThroughTraining() {
    // release_inference_cache defaults to False (runtime/config.py), so generate() never calls
    // release_workspace(): the cudaMalloc'd workspace is still there while the copies train. On
    // one GPU (ZeRO stage 0) nothing is gathered, so the peak is the largest training or forward
    // phase with the allocator's overhead, plus the workspace beside it.
    PostTrainPlanner p = planner(PublishedSetupsTest.model("opt-1.3b"), null, 1, 16, 2);
    PostTrainPlan plan = p.colocated(1);
    double states = 0;
    double act = 0;
    for (PostTrainPlan.CopyMemory m : plan.copies()) {
      states += m.stateBytes();
      act = Math.max(act, m.activationBytes());
    }
    double ws =
        new RolloutSizing(p.job(), 80.0 * (1L << 30), 79.0 * (1L << 30), 8)
            .workspaceBytes(plan.rollout());
    assertThat(ws).isGreaterThan(plan.rollout().kvBytesPerGpu());
    assertThat(plan.peakBytesPerGpu())
        .isCloseTo((states + act) * (1 + TrainingPlanner.ALLOCATOR_OVERHEAD) + ws, within(1.0));
  }

  @Test
  void aGroupOfOneGathersTheAdaptersToo() {
    // generate() at inference_tp_size 1 with pin_parameters (the default) gathers
    // get_inactive_params(self.all_layers_params), all_layers_params = list(module.parameters()):
    // LinearLayer_LoRA's lora_right_weight and lora_left_weight are parameters of the module
    ModelSpec m = PublishedSetupsTest.model("opt-6.7b");
    Lora lora = new Lora(128, false);
    PostTrainPlan plan = planner(m, lora, 8, 4, 3).colocated(8);
    assertThat(plan.rollout().tp()).isEqualTo(1);
    assertThat(plan.rollout().engineWeightBytesPerGpu())
        .isEqualTo(2.0 * (ParameterCounter.count(m).total() + lora.adapterParams(m)));
  }
}
