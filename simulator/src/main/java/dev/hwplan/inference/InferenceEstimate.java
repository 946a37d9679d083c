package dev.hwplan.inference;

import dev.hwplan.step.OpTime;
import java.util.List;

/**
 * Predicted latency and throughput of one configuration.
 *
 * @param ttftSeconds prefill of the whole batch (time to first token, no queueing)
 * @param tpotSeconds one decode step at {@code decodeContext} (time per output token)
 * @param tokensPerSecond output tokens per second of the batch: {@code batch / tpot}
 * @param e2eSeconds {@code ttft + (output - 1) tpot}
 * @param weightBytesPerGpu weights on the GPU of the largest pipeline stage
 * @param kvBytesPerGpu KV cache of the batch at {@code prompt + output} tokens, on that GPU
 * @param fits whether weights and KV fit in the GPU's memory (with the 1.5 GiB reserve)
 */
public record InferenceEstimate(
    String model,
    String gpu,
    String mode,
    int tp,
    int pp,
    String weightsDtype,
    String kvDtype,
    String execution,
    long batch,
    long prompt,
    long output,
    long decodeContext,
    double ttftSeconds,
    double ttftLowSeconds,
    double ttftHighSeconds,
    double tpotSeconds,
    double tpotLowSeconds,
    double tpotHighSeconds,
    double tokensPerSecond,
    double e2eSeconds,
    long weightBytesPerGpu,
    long kvBytesPerGpu,
    long memoryBytesPerGpu,
    boolean fits,
    List<OpTime> prefill,
    List<OpTime> decode,
    List<String> notes) {
  public InferenceEstimate {
    prefill = List.copyOf(prefill);
    decode = List.copyOf(decode);
    notes = List.copyOf(notes);
  }
}
