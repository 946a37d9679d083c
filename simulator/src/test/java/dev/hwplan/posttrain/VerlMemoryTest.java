package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import org.junit.jupiter.api.Test;

/**
 * verl's colocated (hybrid) memory: vLLM's fraction of the total memory and the states offloaded
 * between phases (verl docs/perf/best_practices.rst and perf_tuning.rst; fsdp_workers.py).
 */
class VerlMemoryTest {
  private static final ModelSpec Q14 = PublishedSetupsTest.model("qwen2.5-14b");

  private static PostTrainPlanner verl(Lora lora, double util) {
    PostTrainJob j =
        new PostTrainJob(
            Q14,
            Method.GRPO,
            lora,
            null,
            5,
            512,
            1024,
            16,
            1,
            false,
            lora != null,
            Offload.BETWEEN_PHASES,
            1,
            0,
            new Generation(Engine.VLLM, 0, util),
            3);
    return new PostTrainPlanner(
        j, ProfileCatalog.bundled().get("h100-sxm"), ClusterCatalog.get("dgx-h100", "c"));
  }

  @Test
  void vllmNeedsItsFractionTimesTpAboveTheBf16Weights() {
    // verl's rule: memory_per_gpu * gpu_memory_utilization * TP > 2 * model_parameters.
    // Qwen2.5-14B: 2 x 14.77e9 = 29.5 GB; 0.25 x 80 GiB = 21.5 GB per GPU: TP 1 cannot hold the
    // weights, TP 2 can (verl's 14B LoRA script runs TP 2 at 0.25 on its 2 GPUs).
    double weights = 2.0 * ParameterCounter.count(Q14).total();
    assertThat(weights).isBetween(29.5e9, 29.6e9);
    PostTrainPlanner p = verl(new Lora(32, false), 0.25);
    assertThat(p.colocated(1).fits()).isFalse();
    PostTrainPlan two = p.colocated(2);
    assertThat(two.fits()).isTrue();
    assertThat(two.rollout().tp()).isEqualTo(2);
    // vLLM pre-allocates the rest of its fraction as KV cache
    assertThat(two.rollout().engineWeightBytesPerGpu() + two.rollout().kvBytesPerGpu())
        .isEqualTo(0.25 * 85_899_345_920.0);
    // at 0.5 one GPU holds the engine
    assertThat(verl(new Lora(32, false), 0.5).colocated(1).fits()).isTrue();
  }

  @Test
  void offloadBetweenPhasesBringsTheWholeShardBackForTraining() {
    // full fine-tuning: the actor's update holds 16 B/param of its shard (verl loads the FSDP
    // model and optimizer to the GPU before update_actor): 236 GB over 2 GPUs does not fit in
    // 80 GiB, over 4 it does; the published minimum for Qwen2.5-14B GRPO is 4 GPUs.
    PostTrainPlanner p = verl(null, 0.5);
    assertThat(p.colocated(2).fits()).isFalse();
    PostTrainPlan four = p.colocated(4);
    assertThat(four.fits()).isTrue();
    double n = ParameterCounter.count(Q14).total();
    assertThat(four.copies().get(0).stateBytes()).isEqualTo(16 * n / 4);
    assertThat(four.peakBytesPerGpu()).isGreaterThan(16 * n / 4);
    assertThat(p.minGpusColocated(64)).isEqualTo(4);
  }

  @Test
  void badSettingsNameTheFlag() {
    assertThatThrownBy(() -> new Generation(Engine.VLLM, 0, 1.2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--gpu-mem-util");
    assertThatThrownBy(() -> new Generation(Engine.HF_ZERO3, 0, 0.5))
        .hasMessageContaining("--gpu-mem-util");
    assertThatThrownBy(() -> Offload.of(true, false, true)).hasMessageContaining("--phase-offload");
    assertThatThrownBy(() -> Offload.of(false, true, false))
        .hasMessageContaining("--param-offload");
  }
}
