package dev.hwplan.serving;

import java.io.Serializable;
import java.util.List;

/**
 * What a serving run measured, in SI units, with the metrics named and defined as vLLM's serving
 * benchmark names and defines them (see {@link Recorder}).
 *
 * @param durationSeconds simulated time from the first arrival to the last completion
 * @param requestsPerSecond completed requests over the duration
 * @param outputTokensPerSecond output tokens over the duration
 * @param totalTokensPerSecond prompt and output tokens over the duration
 * @param goodputRequestsPerSecond requests that met every objective given, over the duration; null
 *     without objectives
 * @param sloAttainment the fraction of requests that met every objective; null without objectives
 * @param queueingDelaySeconds from arrival to the first iteration that computes any of its tokens
 * @param preemptions requests preempted (recompute or swap), all replicas
 * @param meanBatchSize sequences per iteration, averaged over iterations
 * @param timeline batch size, KV-block use and preemptions over time on replica 0
 * @param stoppedEarly why the run stopped before every request completed (a search's shortcut once
 *     an objective's p99 could no longer be met), or null
 * @param prefixCacheHitRate prompt tokens found in the prefix cache over the prompt tokens looked
 *     up, counted when a request is admitted (a readmission after preemption by recompute looks up
 *     its prompt and output so far again), as vLLM's {@code PrefixCacheStats} count queries and
 *     hits; null with prefix caching off
 * @param prefixCacheHitTokens prompt tokens found cached (not computed), all replicas
 * @param tokensPerVerifyStep with speculative decoding, the tokens a verify step gave a sequence on
 *     average (the accepted proposals and the one token of the target's own, capped at the tokens
 *     the request had left; {@link Speculation#expectedTokensPerStep} uncapped); null without
 */
public record ServingResult(
    long requests,
    long completedRequests,
    long totalPromptTokens,
    long totalOutputTokens,
    double durationSeconds,
    double requestsPerSecond,
    double outputTokensPerSecond,
    double totalTokensPerSecond,
    Double goodputRequestsPerSecond,
    Double sloAttainment,
    Percentiles ttftSeconds,
    Percentiles tpotSeconds,
    Percentiles itlSeconds,
    Percentiles e2eSeconds,
    Percentiles queueingDelaySeconds,
    long preemptions,
    long iterations,
    double meanBatchSize,
    List<TimelinePoint> timeline,
    String stoppedEarly,
    Double prefixCacheHitRate,
    long prefixCacheHitTokens,
    Double tokensPerVerifyStep,
    Double meanKvTransferSeconds)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ServingResult {
    timeline = List.copyOf(timeline);
  }

  /** Mean and percentiles of one latency, in seconds (NaN-free: 0 where nothing was recorded). */
  public record Percentiles(double mean, double p50, double p90, double p99)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * One bucket of the timeline.
   *
   * @param timeSeconds the bucket's start
   * @param widthSeconds its width
   * @param batchSize sequences per iteration, time-weighted (idle counts as 0)
   * @param kvBlocksUsedFraction KV blocks in use over the replica's blocks, time-weighted
   * @param preemptions preemptions in the bucket
   */
  public record TimelinePoint(
      double timeSeconds,
      double widthSeconds,
      double batchSize,
      double kvBlocksUsedFraction,
      long preemptions)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }
}
