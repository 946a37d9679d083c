package dev.hwplan.posttrain;

import java.util.List;

/**
 * A post-training setup on a number of GPUs: its copies and their memory per GPU, the placement,
 * whether it fits, and the time of one step and of 1,000 prompts.
 *
 * @param placement "colocated" (every copy sharded over all GPUs, phases in turn) or "split" (a
 *     pool of GPUs per copy and one for the rollout engine)
 * @param gpus the GPUs used
 * @param copies the copies with their bytes per GPU of their pool
 * @param pools the pools (one, "all", when colocated)
 * @param peakBytesPerGpu the peak of the most loaded GPU over the phases, allocator overhead
 *     included
 * @param usableBytes the GPU's memory less the framework's reserve
 * @param fits whether every pool fits
 * @param time where one step's time goes
 * @param notes what the step's time rests on, each once, in order: the step model's notes of the
 *     rollout, forward and training steps (another device's calibration, an uncalibrated op), of
 *     the collectives (outside the measured range, across nodes); empty without a time
 */
public record PostTrainPlan(
    String placement,
    int gpus,
    List<CopyMemory> copies,
    List<Pool> pools,
    double peakBytesPerGpu,
    double usableBytes,
    boolean fits,
    Rollout rollout,
    Time time,
    List<String> notes) {
  public PostTrainPlan {
    notes = List.copyOf(notes);
  }

  /**
   * One copy's bytes on one GPU of its pool (ZeRO-3 / FSDP full sharding over the pool).
   *
   * @param dtype the stored weights' type: bf16, nf4 (QLoRA base) or bf16+lora
   * @param params the copy's parameters
   * @param trainableParams the parameters with gradients and optimizer state (the adapter's for
   *     LoRA)
   * @param activationBytes activations (and logits, gathered layers) at the copy's training or
   *     forward peak
   */
  public record CopyMemory(
      Role role,
      String model,
      boolean trainable,
      String dtype,
      double params,
      double trainableParams,
      double weightBytes,
      double gradientBytes,
      double optimizerBytes,
      double activationBytes) {
    /** Model states, what stays on the GPU through every phase. */
    public double stateBytes() {
      return weightBytes + gradientBytes + optimizerBytes;
    }

    public double totalBytes() {
      return stateBytes() + activationBytes;
    }
  }

  /** A pool of GPUs and what runs there. */
  public record Pool(String name, int gpus, double peakBytesPerGpu) {}

  /**
   * The generation phase: the engine's tensor and pipeline parallel sizes, engines, the sequences
   * each holds at once (KV cache), and the waves it runs.
   *
   * @param pp pipeline stages of an engine, one a node of TP = the node's GPUs, for a policy whose
   *     weights no node holds (1 otherwise)
   */
  public record Rollout(
      int tp,
      int pp,
      int engines,
      long sequencesPerEngine,
      long concurrentSequences,
      long waves,
      double engineWeightBytesPerGpu,
      double kvBytesPerGpu) {
    /** GPUs of one engine. */
    public int gpus() {
      return tp * pp;
    }
  }

  /**
   * One step's time, in seconds; the parts in the order they run.
   *
   * @param generationSeconds the rollout (prefill and decode of every response)
   * @param weightSyncSeconds moving the trained policy's weights to the generation engine
   * @param forwardSeconds reference, reward, critic and old-policy forward passes
   * @param trainSeconds the trainable copies' optimizer steps (all PPO epochs)
   * @param stepSeconds the whole step
   * @param secondsPer1000Prompts {@code stepSeconds x 1000 / batchPrompts}
   */
  public record Time(
      double generationSeconds,
      double weightSyncSeconds,
      double forwardSeconds,
      double trainSeconds,
      double stepSeconds,
      double secondsPer1000Prompts) {}
}
