package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.io.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The rollout engines: HF generate on ZeRO-3 shards against a serving engine. */
class EngineTest {
  private static PostTrainPlan plan(Engine e, int genBatch) {
    return OpenRlhfSetup.llama7b(new Generation(e, genBatch, 0), 0);
  }

  @Test
  void zero3GenerateIsBoundByTheWholeModelGatherPerDecodeStep() {
    // Every decode step all-gathers 13.5 GB over 8 GPUs: far longer than a batch-8 or batch-4
    // decode step's compute, so the generation time follows the waves exactly: half the batch,
    // twice the waves (16 -> 32 of 128 sequences per GPU), twice the time, but for the prompts'
    // prefill (8 x 1024 tokens is compute-bound, longer than the gather), under 1% of the whole.
    PostTrainPlan b8 = plan(Engine.HF_ZERO3, 8);
    PostTrainPlan b4 = plan(Engine.HF_ZERO3, 4);
    assertThat(b8.rollout().waves()).isEqualTo(16);
    assertThat(b4.rollout().waves()).isEqualTo(32);
    assertThat(b4.time().generationSeconds())
        .isCloseTo(2 * b8.time().generationSeconds(), within(0.01 * b4.time().generationSeconds()));
    assertThat(b8.time().weightSyncSeconds()).isZero();
    assertThat(b8.rollout().tp()).isEqualTo(1);
  }

  @Test
  void aServingEngineGeneratesFasterThanZero3GenerateAtTheSameBatch() {
    PostTrainPlan hf = plan(Engine.HF_ZERO3, 8);
    PostTrainPlan vllm = plan(Engine.VLLM, 8);
    assertThat(vllm.time().weightSyncSeconds()).isPositive();
    assertThat(vllm.time().generationSeconds()).isLessThan(hf.time().generationSeconds() / 4);
  }

  @Test
  void unknownEngineNamesTheFlag() {
    assertThatThrownBy(() -> Engine.parse("deepspeed"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--engine");
  }
}
