package dev.hwplan.serving;

import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.Locale;

/**
 * How an engine picks the work of each iteration.
 *
 * <ul>
 *   <li>{@link #VLLM}: vLLM V1's scheduler ({@code vllm/v1/core/sched/scheduler.py}): the running
 *       requests first, in admission order, each with all its pending tokens (a decode's one, the
 *       rest of a prompt) up to the token budget, preempting the last-admitted running request when
 *       KV blocks run out; then, if nothing was preempted, waiting requests in FCFS order, their
 *       prompts chunked to fit the budget, while blocks for the chunk are free and fewer than
 *       {@code maxNumSeqs} run. KV blocks are allocated chunk by chunk.
 *   <li>{@link #SARATHI}: Sarathi-Serve's stall-free batching (Agrawal et al., OSDI 2024): every
 *       running decode first, then the ongoing prefills, then new prompts, chunked under a small
 *       token budget; a new prompt is admitted when blocks for all of it are free (its vLLM V0
 *       block manager), above a 1% watermark.
 *   <li>{@link #PREFILL_FIRST}: vLLM V0's default scheduler without chunked prefill (the Orca
 *       iteration-level policy): whenever waiting prompts can be admitted (whole, within the token
 *       budget and {@code maxNumSeqs}, blocks for the whole prompt free above a 1% watermark), the
 *       iteration prefills them alone; otherwise it decodes every running request.
 *   <li>{@link #DECODE_FIRST}: the opposite priority: while any request decodes, iterations decode
 *       the running batch only; waiting prompts are admitted (as in prefill-first) when none does,
 *       so decodes never stall and prefills wait for the batch to drain.
 * </ul>
 */
public enum Policy implements Keyed.ByName {
  VLLM(true),
  SARATHI(true),
  PREFILL_FIRST(false),
  DECODE_FIRST(false);

  /**
   * Sarathi-Serve's token budget for strict latency targets; the paper chooses the budget from the
   * TBT SLO (smaller budgets, shorter iterations).
   */
  public static final int SARATHI_TOKEN_BUDGET = 512;

  private final boolean chunked;

  Policy(boolean chunked) {
    this.chunked = chunked;
  }

  /** Whether prompts are split into chunks across iterations. */
  public boolean chunked() {
    return chunked;
  }

  /**
   * Whether automatic prefix caching is on unless asked otherwise: vLLM V1 ({@code vllm}) enables
   * it by default ({@code enable_prefix_caching}); vLLM V0, whose block manager the other policies
   * model, did not.
   */
  public boolean defaultPrefixCaching() {
    return this == VLLM;
  }

  /** Whether admission holds blocks for the whole prompt above a watermark (vLLM V0's manager). */
  boolean wholePromptAdmission() {
    return this != VLLM;
  }

  /**
   * The default token budget per iteration. {@code vllm}: vLLM's {@code
   * EngineArgs.get_batch_defaults} for the OpenAI server, 8,192 on GPUs with at least 70 GiB other
   * than the A100, 2,048 elsewhere; {@code sarathi}: {@link #SARATHI_TOKEN_BUDGET}; the unchunked
   * policies: vLLM V0's {@code max(max_model_len, 2048)}, so that any prompt fits one iteration.
   */
  public int defaultMaxNumBatchedTokens(long gpuMemoryBytes, String gpuId, long modelContext) {
    return switch (this) {
      case VLLM -> bigGpu(gpuMemoryBytes, gpuId) ? 8192 : 2048;
      case SARATHI -> SARATHI_TOKEN_BUDGET;
      case PREFILL_FIRST, DECODE_FIRST ->
          (int) Math.min(Integer.MAX_VALUE, Math.max(modelContext, 2048));
    };
  }

  /**
   * The default cap on running requests: vLLM's {@code get_batch_defaults}, 1,024 on GPUs with at
   * least 70 GiB other than the A100 for the V1 scheduler, 256 otherwise (and vLLM V0's 256 for the
   * other policies).
   */
  public int defaultMaxNumSeqs(long gpuMemoryBytes, String gpuId) {
    return this == VLLM && bigGpu(gpuMemoryBytes, gpuId) ? 1024 : 256;
  }

  private static boolean bigGpu(long bytes, String id) {
    return bytes >= 70L * (1L << 30) && !id.toLowerCase(Locale.ROOT).contains("a100");
  }

  public static Policy parse(String s, String flag) {
    return Keyed.parse(List.of(values()), s, flag, "policy");
  }
}
