package dev.hwplan.posttrain;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

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
 *       all-gathers the whole model, overlapped with that step's compute by ZeRO-3's prefetch.
 * </ul>
 */
public enum Engine {
  VLLM("vllm"),
  HF_ZERO3("hf-zero3");

  private final String key;

  Engine(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Parses {@code --engine}. */
  public static Engine parse(String s) {
    if (s != null) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      for (Engine e : values()) {
        if (e.key.equals(k)) {
          return e;
        }
      }
    }
    throw InvalidInputException.option(
        "--engine", "unknown engine '" + s + "' (known: vllm, hf-zero3)");
  }
}
