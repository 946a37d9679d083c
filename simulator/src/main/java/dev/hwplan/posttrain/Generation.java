package dev.hwplan.posttrain;

import dev.hwplan.io.InvalidInputException;

/**
 * How the rollout of PPO and GRPO is generated.
 *
 * @param engine what generates ({@link Engine#VLLM} by default)
 * @param batch sequences per GPU (per engine for vLLM) generated at once; 0: as many as the KV
 *     cache holds
 * @param memoryFraction the fraction of each GPU's total memory the engine takes for its weights,
 *     activations and KV cache (vLLM 0.7 and later: {@code gpu_memory_utilization} is a fraction of
 *     the <em>total</em> memory, verl docs/perf/perf_tuning.rst; verl's rule "Ensure
 *     (memory_per_gpu * gpu_memory_utilization * TP) > 2 * model_parameters",
 *     docs/perf/best_practices.rst); 0: whatever the copies leave free
 * @param responseMeanTokens the mean response length when generation stops at the end-of-sequence
 *     token ({@link ResponseLengths}); 0: every response runs to the maximum
 * @param tp the engine's tensor parallel size (vLLM's {@code tensor_parallel_size}, the hybrid
 *     engine's {@code inference_tp_size}); 0: the smallest that leaves room for one sequence's
 *     cache
 * @param gatherLayers the hybrid engine's {@code tp_gather_partition_size}: layers gathered whole
 *     at once while they are re-laid into the tensor parallel group (DeepSpeed-Chat's default 8); 0
 *     for the other engines and for a group of one
 */
public record Generation(
    Engine engine,
    int batch,
    double memoryFraction,
    double responseMeanTokens,
    int tp,
    int gatherLayers) {
  /**
   * vLLM at the concurrency its KV cache allows, in the memory the copies leave free, responses to
   * the maximum.
   */
  public static final Generation DEFAULT = new Generation(Engine.VLLM, 0, 0, 0);

  /** Responses to the maximum length. */
  public Generation(Engine engine, int batch, double memoryFraction) {
    this(engine, batch, memoryFraction, 0);
  }

  /** The engine's tensor parallel size its own choice, no layer-group gather. */
  public Generation(Engine engine, int batch, double memoryFraction, double responseMeanTokens) {
    this(engine, batch, memoryFraction, responseMeanTokens, 0, 0);
  }

  public Generation {
    if (engine == null) {
      throw InvalidInputException.option("--engine", "missing");
    }
    if (batch < 0) {
      throw InvalidInputException.option(
          "--generation-batch", "must be 0 (as many as fit) or positive, got " + batch);
    }
    if (!(memoryFraction >= 0 && memoryFraction < 1)) {
      throw InvalidInputException.option(
          "--gpu-mem-util", "must be in [0, 1) (0: what is free), got " + memoryFraction);
    }
    if (!(responseMeanTokens >= 0) || Double.isInfinite(responseMeanTokens)) {
      throw InvalidInputException.option(
          "--response-mean",
          "must be 0 (to the maximum) or a positive length, got " + responseMeanTokens);
    }
    if (memoryFraction > 0 && engine != Engine.VLLM) {
      throw InvalidInputException.option(
          "--gpu-mem-util", "applies to the vllm engine only (engine " + engine.key() + ")");
    }
    if (tp < 0 || Integer.bitCount(Math.max(tp, 1)) != 1) {
      throw InvalidInputException.option(
          "--inference-tp", "must be 0 (the engine's choice) or a power of two, got " + tp);
    }
    if (tp > 1 && engine == Engine.HF_ZERO3) {
      throw InvalidInputException.option(
          "--inference-tp", "hf-zero3 generates data parallel (tensor parallel size 1)");
    }
    if (gatherLayers < 0) {
      throw InvalidInputException.option(
          "--gather-layers", "must be 0 or a positive number of layers, got " + gatherLayers);
    }
    if (gatherLayers > 0 && !(engine == Engine.DS_HYBRID && tp > 1)) {
      throw InvalidInputException.option(
          "--gather-layers", "applies to the ds-hybrid engine with --inference-tp above 1");
    }
  }
}
