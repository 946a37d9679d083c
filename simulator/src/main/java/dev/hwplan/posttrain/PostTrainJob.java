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
 * @param policyZeroStage the ZeRO stage of the policy: 3 (the default) shards its weights over the
 *     pool like every other copy; 2 keeps its bf16 weights whole on every GPU (gradients and
 *     optimizer state still sharded), and with them the reference's, which DeepSpeed-Chat runs
 *     unsharded unless the actor is at stage 3 ({@code rlhf_engine.py}, {@code _init_ref}). A
 *     whole-weight policy generates and runs its forward passes without gathering them
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
    Generation generation,
    int policyZeroStage) {

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
    if (!method.rollout() && rewardModel != null) {
      throw InvalidInputException.option(
          "--reward-model",
          "applies to ppo and grpo only (method " + method.key() + " scores no rollouts)");
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
    if (policyZeroStage != 2 && policyZeroStage != 3) {
      throw InvalidInputException.option(
          "--policy-zero-stage", "must be 2 or 3, got " + policyZeroStage);
    }
    if (policyZeroStage == 2 && offload.paramsOnHost()) {
      throw InvalidInputException.option(
          "--policy-zero-stage", "2 keeps the weights on the GPU; drop --param-offload");
    }
    if (policyZeroStage == 2 && generation.engine() == Engine.DS_HYBRID && generation.tp() > 1) {
      throw InvalidInputException.option(
          "--inference-tp",
          "the hybrid engine's tensor parallelism needs the policy at ZeRO stage 3 (DeepSpeed-Chat"
              + " asserts it)");
    }
  }

  /**
   * Whether a copy in {@code role} holds its weights whole on every GPU: the policy at ZeRO stage 2
   * and its reference (DeepSpeed-Chat runs the reference unsharded unless the actor is at stage 3).
   */
  public boolean wholeWeights(Role role) {
    return !policySharded() && (role == Role.POLICY || role == Role.REFERENCE);
  }

  /** The ZeRO stage a trainable copy in {@code role} trains at: the policy's own, 3 otherwise. */
  public int zeroStage(Role role) {
    return role == Role.POLICY ? policyZeroStage : 3;
  }

  /** Whether the policy's weights are sharded over the pool (ZeRO-3) rather than whole. */
  public boolean policySharded() {
    return policyZeroStage == 3;
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
        Generation.DEFAULT,
        3);
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
