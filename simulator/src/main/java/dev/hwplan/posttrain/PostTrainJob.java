package dev.hwplan.posttrain;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;

/**
 * What is post-trained: the policy model, the method, an optional LoRA/QLoRA adapter, the reward
 * model (PPO: also the critic's initialisation, as DeepSpeed-Chat and OpenRLHF initialise the
 * critic from the reward model), the group size, the prompt and response lengths, and the prompts
 * per step.
 *
 * @param lora the adapter, or null for full fine-tuning
 * @param rewardModel the reward (and critic) model; null gives the policy's architecture for PPO
 *     and a rule-based reward (no model) for GRPO
 * @param groupSize responses sampled per prompt (GRPO's G; 1 for PPO's usual one sample)
 * @param ppoEpochs passes over each rollout batch (PPO and GRPO)
 * @param precomputedReference DPO with the reference log-probabilities computed beforehand: no
 *     reference copy
 * @param sharedReference the reference is the policy's own frozen base (LoRA: the adapter
 *     disabled), so it holds no weights of its own
 * @param offload where the model states live between uses
 * @param microBatch sequences per GPU per micro-batch in training
 * @param trainHfu a ceiling on the training phase's hardware FLOPs utilisation (recompute included,
 *     over the GPU's dense bf16 peak), what a framework's own kernels and overheads reach; 0: the
 *     training planner's estimate alone. DeepSpeed-Chat's ZeRO-3 training of Llama-2-7B reached
 *     60.34 TFLOPs per A800 (OpenRLHF benchmark/README.md), 0.193 of its 312 TFLOPs
 * @param generation how the rollout is generated
 */
public record PostTrainJob(
    ModelSpec policy,
    Method method,
    Lora lora,
    ModelSpec rewardModel,
    int groupSize,
    long promptTokens,
    long responseTokens,
    long batchPrompts,
    int ppoEpochs,
    boolean precomputedReference,
    boolean sharedReference,
    Offload offload,
    int microBatch,
    double trainHfu,
    Generation generation) {

  public PostTrainJob {
    if (offload == null) {
      throw InvalidInputException.option("--offload", "missing");
    }
    if (generation == null) {
      throw InvalidInputException.option("--engine", "missing");
    }
    if (method == Method.GRPO && groupSize < 2) {
      throw InvalidInputException.option(
          "--group-size",
          "GRPO needs a group of at least 2 responses per prompt, got " + groupSize);
    }
    if (groupSize < 1) {
      throw InvalidInputException.option("--group-size", "must be positive, got " + groupSize);
    }
    if (!method.rollout() && groupSize != 1) {
      throw InvalidInputException.option(
          "--group-size", "applies to ppo and grpo only (method " + method.key() + ")");
    }
    positive(promptTokens, "--prompt-tokens");
    positive(responseTokens, "--response-tokens");
    positive(batchPrompts, "--batch-prompts");
    positive(ppoEpochs, "--ppo-epochs");
    positive(microBatch, "--micro-batch");
    if (!(trainHfu >= 0 && trainHfu <= 1)) {
      throw InvalidInputException.option(
          "--train-hfu", "must be in [0, 1] (0: the planner's own), got " + trainHfu);
    }
    if (sharedReference && lora == null) {
      throw InvalidInputException.option(
          "--shared-reference", "needs --lora-rank or --qlora (the frozen base is the reference)");
    }
    if (precomputedReference && method != Method.DPO) {
      throw InvalidInputException.option("--precomputed-reference", "applies to dpo only");
    }
  }

  private static void positive(long v, String flag) {
    if (v <= 0) {
      throw InvalidInputException.option(flag, "must be positive, got " + v);
    }
  }

  /**
   * A job with the defaults: one PPO epoch, one sequence per micro-batch, nothing shared or
   * offloaded, {@link Generation#DEFAULT}.
   */
  public static PostTrainJob of(
      ModelSpec policy,
      Method method,
      Lora lora,
      ModelSpec reward,
      int groupSize,
      long prompt,
      long response,
      long batch) {
    return new PostTrainJob(
        policy,
        method,
        lora,
        reward,
        groupSize,
        prompt,
        response,
        batch,
        1,
        false,
        false,
        Offload.NONE,
        1,
        0,
        Generation.DEFAULT);
  }

  public Engine engine() {
    return generation.engine();
  }

  /** Tokens of one sequence: prompt and response. */
  public long sequenceTokens() {
    return promptTokens + responseTokens;
  }

  /** Sequences one step trains on: B (SFT), 2B chosen and rejected (DPO), B x G (PPO, GRPO). */
  public long sequencesPerStep() {
    return switch (method) {
      case SFT -> batchPrompts;
      case DPO -> 2 * batchPrompts;
      case PPO, GRPO -> batchPrompts * groupSize;
    };
  }
}
