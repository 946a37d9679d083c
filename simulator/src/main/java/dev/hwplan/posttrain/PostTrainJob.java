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
 * @param offload optimizer state in host memory (ZeRO-Offload)
 * @param paramOffload the sharded weights and gradients of every copy in host memory too (FSDP's
 *     {@code CPUOffload(offload_params=True)}, verl's {@code param_offload}); the GPU holds only
 *     the layers gathered for the running op
 * @param microBatch sequences per GPU per micro-batch in training
 * @param engine what generates the rollout ({@link Engine#VLLM} by default)
 * @param generationBatch sequences per GPU (per engine for vLLM) generated at once; 0: as many as
 *     the KV cache holds
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
    boolean offload,
    boolean paramOffload,
    int microBatch,
    Engine engine,
    int generationBatch) {
  /** A job with the vLLM engine at the concurrency its KV cache allows. */
  public PostTrainJob(
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
      boolean offload,
      boolean paramOffload,
      int microBatch) {
    this(
        policy,
        method,
        lora,
        rewardModel,
        groupSize,
        promptTokens,
        responseTokens,
        batchPrompts,
        ppoEpochs,
        precomputedReference,
        sharedReference,
        offload,
        paramOffload,
        microBatch,
        Engine.VLLM,
        0);
  }

  public PostTrainJob {
    if (engine == null) {
      throw InvalidInputException.option("--engine", "missing");
    }
    if (generationBatch < 0) {
      throw InvalidInputException.option(
          "--generation-batch", "must be 0 (as many as fit) or positive, got " + generationBatch);
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
    if (sharedReference && lora == null) {
      throw InvalidInputException.option(
          "--shared-reference", "needs --lora-rank or --qlora (the frozen base is the reference)");
    }
    if (paramOffload && !offload) {
      throw InvalidInputException.option("--param-offload", "needs --offload (FSDP offloads both)");
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

  /** A job with the defaults: one PPO epoch, one sequence per micro-batch, nothing shared. */
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
        policy, method, lora, reward, groupSize, prompt, response, batch, 1, false, false, false,
        false, 1);
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
