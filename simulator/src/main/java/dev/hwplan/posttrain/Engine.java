package dev.hwplan.posttrain;

import dev.hwplan.io.Keyed;
import java.util.List;

/**
 * What generates the rollout of PPO and GRPO.
 *
 * <ul>
 *   <li>{@link #VLLM}: a serving engine (vLLM, as OpenRLHF and verl run it; DeepSpeed-Chat's hybrid
 *       engine is the same idea): the policy's bf16 weights gathered once per step into the
 *       engine's tensor parallel layout, fused kernels, and continuous batching at the concurrency
 *       its KV cache allows.
 *   <li>{@link #HF_ZERO3}: Hugging Face {@code generate()} on the training engine's own ZeRO-3
 *       shards, as DeepSpeed-Chat runs with its hybrid engine disabled (OpenRLHF's benchmark
 *       disables it because it does not work with ZeRO-3, microsoft/DeepSpeed#4469). Every GPU
 *       generates its own static batch of {@code generationBatch} sequences (data parallel, tensor
 *       parallel size 1), with plain PyTorch kernels; and ZeRO-3 gathers every layer's weights for
 *       every forward call and releases them after it (Rajbhandari et al. 2020, section 5.2;
 *       DeepSpeed-Chat's ZeRO-3 config keeps at most 3e7 parameters live), so each decode step
 *       all-gathers the whole model, overlapped with that step's compute by ZeRO-3's prefetch. With
 *       the policy at ZeRO stage 2 ({@link PostTrainJob#policyZeroStage}) its weights are whole on
 *       every GPU and nothing is gathered.
 *   <li>{@link #DS_HYBRID}: DeepSpeed-Chat's hybrid engine (DeepSpeed 0.9, {@code
 *       runtime/hybrid_engine.py}, {@code generate()}): before each rollout the actor's ZeRO-3
 *       shards are gathered, {@code tp_gather_partition_size} layers at a time ({@link
 *       Generation#gatherLayers}), the LoRA adapters fused into the base, and each layer's slice
 *       kept for an inference tensor parallel group of {@code inference_tp_size} GPUs ({@link
 *       Generation#tp}; 1: every GPU gathers the whole model); every GPU's prompts are all-gathered
 *       within its group, which generates them as one static batch with DeepSpeed-Inference's fused
 *       kernels. At ZeRO stage 2 (stage 0 on one GPU) the weights are already whole: nothing is
 *       gathered and the engine takes no memory of its own for them.
 * </ul>
 */
public enum Engine implements Keyed.ByName {
  VLLM,
  HF_ZERO3,
  DS_HYBRID;

  /** Whether the engine generates on the trainer's own GPUs and weights (no pool of its own). */
  public boolean onTrainer() {
    return this != VLLM;
  }

  /** Parses {@code --engine}. */
  public static Engine parse(String s) {
    return Keyed.parse(List.of(values()), s, "--engine", "engine");
  }
}
