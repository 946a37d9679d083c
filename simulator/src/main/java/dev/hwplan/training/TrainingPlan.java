package dev.hwplan.training;

import java.util.List;

/**
 * One evaluated layout: its step time and where the time goes, its memory per GPU and where it
 * goes, and the rates that follow. JSON keys as DESIGN.md's {@code train} contract.
 *
 * @param stepSeconds one optimizer step (the global batch)
 * @param peakBytesPerGpu the peak of the most loaded GPU (first or last pipeline stage), allocator
 *     overhead included
 * @param fits whether the peak fits the GPU's usable memory
 * @param mfu model FLOPs (6N + attention, no recompute) per second over the GPUs' dense peak
 * @param hfu hardware FLOPs (recompute included) per second over the peak
 * @param microBatches micro-batches per step per pipeline ({@code globalBatch / (dp x mb)})
 * @param notes what the step time rests on, each once, in order: the step model's notes of the
 *     layers, collectives and optimizer update the layout runs (another device's calibration, a
 *     collective outside the measured range, an uncalibrated op) and, across nodes, the cluster's
 *     NIC figures
 */
public record TrainingPlan(
    Layout layout,
    double stepSeconds,
    double peakBytesPerGpu,
    boolean fits,
    double mfu,
    double hfu,
    double tokensPerSecond,
    long microBatches,
    TimeBreakdown time,
    MemoryBreakdown memory,
    List<String> notes) {
  public TrainingPlan {
    notes = List.copyOf(notes);
  }

  /** The layout's short label. */
  public String label() {
    return layout.label();
  }

  /**
   * Where a step's time goes, on the critical path of the slowest pipeline stage. The parts add up
   * to {@code stepSeconds}.
   *
   * @param computeSeconds forward and backward of every micro-batch (GEMMs, attention, elementwise)
   * @param recomputeSeconds the forward work recompute runs again
   * @param tpCommSeconds TP all-reduces (or SP all-gathers and reduce-scatters), not overlapped
   * @param cpCommSeconds the ring exchange of K and V not hidden behind attention
   * @param epCommSeconds MoE all-to-alls, not overlapped
   * @param ppCommSeconds point-to-point sends between stages on the critical path
   * @param bubbleSeconds the pipeline bubble: the fill and drain, the sum of the stages'
   *     micro-batch times less the slowest's, over v ({@code (p-1)/v} micro-batch times where
   *     stages are equal)
   * @param dpCommSeconds the exposed part of the data-parallel gradient reduction (and ZeRO
   *     gathers) after the overlap with the backward
   * @param dpCommTotalSeconds the whole data-parallel communication, overlapped or not
   * @param overlapSlowdownSeconds the compute lost to the data-parallel communication that runs
   *     behind it ({@link TrainingPlanner#OVERLAP_COMPUTE_SLOWDOWN} of the hidden part): NCCL's
   *     kernels take SMs and memory bandwidth from the GEMMs they overlap
   * @param optimizerSeconds the Adam update of this GPU's shard
   */
  public record TimeBreakdown(
      double computeSeconds,
      double recomputeSeconds,
      double tpCommSeconds,
      double cpCommSeconds,
      double epCommSeconds,
      double ppCommSeconds,
      double bubbleSeconds,
      double dpCommSeconds,
      double dpCommTotalSeconds,
      double overlapSlowdownSeconds,
      double optimizerSeconds) {
    public double total() {
      return computeSeconds
          + recomputeSeconds
          + tpCommSeconds
          + cpCommSeconds
          + epCommSeconds
          + ppCommSeconds
          + bubbleSeconds
          + dpCommSeconds
          + overlapSlowdownSeconds
          + optimizerSeconds;
    }
  }

  /**
   * The peak memory of the most loaded GPU.
   *
   * @param weightBytes model weights on the GPU (after ZeRO-3 sharding)
   * @param gradientBytes gradient buffers
   * @param optimizerBytes master weights and Adam moments (0 when offloaded)
   * @param activationBytes activations of the micro-batches in flight
   * @param logitsBytes the fp32 logits and cross-entropy of one micro-batch (last stage)
   * @param bufferBytes ZeRO-3 gathered weights, AMP's bf16 weight copies
   * @param allocatorBytes the caching allocator's overhead, {@link
   *     TrainingPlanner#ALLOCATOR_OVERHEAD} of the allocated bytes
   * @param stage the pipeline stage with the peak (0 first)
   * @param usableBytes the GPU's memory less {@link TrainingPlanner#RESERVED_BYTES}
   */
  public record MemoryBreakdown(
      double weightBytes,
      double gradientBytes,
      double optimizerBytes,
      double activationBytes,
      double logitsBytes,
      double bufferBytes,
      double allocatorBytes,
      int stage,
      double usableBytes) {
    public double total() {
      return weightBytes
          + gradientBytes
          + optimizerBytes
          + activationBytes
          + logitsBytes
          + bufferBytes
          + allocatorBytes;
    }
  }
}
