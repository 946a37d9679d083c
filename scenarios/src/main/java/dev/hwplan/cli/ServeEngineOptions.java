package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.serving.Policy;
import dev.hwplan.serving.Preemption;
import dev.hwplan.serving.Routing;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.Speculation;
import picocli.CommandLine.Option;

/**
 * {@code hwplan serve}'s engine knobs: the scheduling policy and its budgets, the paged KV cache,
 * preemption, routing, prefix caching and speculative decoding.
 */
final class ServeEngineOptions {
  @Option(
      names = "--policy",
      defaultValue = "vllm",
      description = "vllm, sarathi, prefill-first, decode-first (default vllm).")
  String policy;

  @Option(
      names = "--max-num-batched-tokens",
      description =
          "Token budget per iteration (default: the policy's, e.g. vLLM's 8192 on H100-class GPUs).")
  Integer maxNumBatchedTokens;

  @Option(
      names = "--max-num-seqs",
      description =
          "Running requests at most (default: the policy's, e.g. vLLM's 1024 on H100-class GPUs).")
  Integer maxNumSeqs;

  @Option(
      names = "--block-size",
      defaultValue = "16",
      description = "Tokens per KV block (default 16).")
  int blockSize;

  @Option(
      names = "--gpu-mem-util",
      defaultValue = "0.9",
      description = "Fraction of GPU memory to use (default 0.9).")
  double gpuMemUtil;

  @Option(
      names = "--preemption",
      defaultValue = "recompute",
      description = "recompute or swap (default recompute).")
  String preemption;

  @Option(
      names = "--engine-overhead-ms",
      defaultValue = "2",
      description = "CPU time per iteration the GPU waits for (default 2 ms, an assumption).")
  double engineOverheadMs;

  @Option(
      names = "--routing",
      defaultValue = "least-outstanding",
      description = "round-robin, least-outstanding (default) or prefix-affinity.")
  String routing;

  @Option(
      names = "--prefix-caching",
      negatable = true,
      description =
          "Automatic prefix caching, LRU eviction of free blocks (default: on for vllm, as vLLM V1;"
              + " off for the V0-style policies).")
  Boolean prefixCaching;

  @Option(
      names = "--speculative-method",
      paramLabel = "M",
      description =
          "Speculative decoding: ngram, eagle, mtp (one layer of the target) or draft"
              + " (--speculative-model).")
  String speculativeMethod;

  @Option(
      names = "--num-speculative-tokens",
      paramLabel = "K",
      description = "Tokens proposed per sequence and step (default 3).")
  Integer numSpeculativeTokens;

  @Option(
      names = "--acceptance-rate",
      paramLabel = "A",
      description = "Probability that each proposed token is accepted (required with speculation).")
  Double acceptanceRate;

  @Option(
      names = "--speculative-model",
      paramLabel = "M",
      description = "The draft model (bundled id or config.json) for --speculative-method draft.")
  String speculativeModel;

  /** The engine settings these options give. */
  ServingPlan.Settings settings() {
    ServingPlan.Settings settings =
        new ServingPlan.Settings(
            Policy.parse(policy, "--policy"),
            maxNumBatchedTokens,
            maxNumSeqs,
            blockSize,
            gpuMemUtil,
            Preemption.parse(preemption, "--preemption"),
            engineOverheadMs / 1e3,
            Routing.parse(routing, "--routing"),
            prefixCaching,
            speculative());
    if (!(engineOverheadMs >= 0)) {
      throw InvalidInputException.option(
          "--engine-overhead-ms", "must not be negative, got " + engineOverheadMs);
    }
    return settings;
  }

  private ServingPlan.Speculative speculative() {
    if (speculativeMethod == null) {
      refuseGiven(
          "only with --speculative-method (ngram, eagle, mtp, draft)",
          "--num-speculative-tokens",
          numSpeculativeTokens,
          "--acceptance-rate",
          acceptanceRate,
          "--speculative-model",
          speculativeModel);
      return null;
    }
    Speculation.Method m = Speculation.Method.parse(speculativeMethod, "--speculative-method");
    if (acceptanceRate == null) {
      throw InvalidInputException.option(
          "--acceptance-rate",
          "is required with --speculative-method: the probability that a proposed token is"
              + " accepted (it depends on the drafter and the traffic)");
    }
    return new ServingPlan.Speculative(
        m,
        numSpeculativeTokens == null ? 3 : numSpeculativeTokens,
        acceptanceRate,
        speculativeModel == null ? null : ModelCatalog.resolve(speculativeModel));
  }

  /**
   * Refuses the first option of {@code flagValuePairs} (flag, value, flag, value, ...) whose value
   * was given, with {@code reason}: options that only apply beside another.
   */
  static void refuseGiven(String reason, Object... flagValuePairs) {
    for (int i = 0; i < flagValuePairs.length; i += 2) {
      if (flagValuePairs[i + 1] != null) {
        throw InvalidInputException.option((String) flagValuePairs[i], reason);
      }
    }
  }
}
