package dev.hwplan.posttrain;

import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.training.TrainingPlanner;

/**
 * Sizes the rollout engine on a pool of GPUs: its tensor parallel size, the engines, the sequences
 * each holds at once in its KV cache, and the waves it runs.
 *
 * <p>A serving engine takes the smallest tensor parallel size (1, 2, 4, 8, within a node) whose
 * bf16 weights leave room for one whole sequence's cache. Its memory per GPU is what the resident
 * copies leave free, or, with {@link Generation#memoryFraction} {@code u}, {@code u} of the GPU's
 * total memory, which vLLM fills with its weights and a pre-allocated KV cache (verl's rule {@code
 * memory_per_gpu * gpu_memory_utilization * TP > 2 * model_parameters},
 * docs/perf/best_practices.rst). DeepSpeed-Chat's generate() on ZeRO-3 shards ({@link
 * Engine#HF_ZERO3}) runs data parallel at tensor parallel size 1 with two layers gathered.
 */
final class RolloutSizing {
  private static final int[] TP_CHOICES = {1, 2, 4, 8};

  private final PostTrainJob job;
  private final double capacityBytes;
  private final double usableBytes;
  private final int gpusPerNode;

  RolloutSizing(PostTrainJob job, double capacityBytes, double usableBytes, int gpusPerNode) {
    this.job = job;
    this.capacityBytes = capacityBytes;
    this.usableBytes = usableBytes;
    this.gpusPerNode = gpusPerNode;
  }

  /** KV bytes per token per GPU of an engine of tensor parallel size {@code tp}. */
  private double kvPerToken(int tp) {
    ModelSpec p = job.policy();
    return KvCacheCalculator.bytesPerToken(p) / (double) Math.min(tp, p.numKeyValueHeads());
  }

  /**
   * The engine on a pool of {@code gpus} that already holds {@code residentBytes} per GPU, or null
   * when no tensor parallel size leaves room for one sequence.
   */
  PostTrainPlan.Rollout fit(int gpus, double residentBytes) {
    ModelSpec p = job.policy();
    Generation g = job.generation();
    double weights = 2.0 * ParameterCounter.count(p).total();
    double free = usableBytes / (1 + TrainingPlanner.ALLOCATOR_OVERHEAD) - residentBytes;
    double budget = g.memoryFraction() > 0 ? g.memoryFraction() * capacityBytes : free;
    long seqs = job.sequencesPerStep();
    if (g.engine() == Engine.HF_ZERO3) {
      // data parallel generate on the ZeRO-3 shards: two layers live (the running one and the
      // prefetched one), every GPU its own static batch
      double live = 2 * weights / p.numHiddenLayers();
      return sized(1, gpus, seqs, free - live, live, false);
    }
    for (int tp : TP_CHOICES) {
      if (tp > gpus || gpus % tp != 0 || tp > gpusPerNode) {
        continue;
      }
      PostTrainPlan.Rollout r =
          sized(tp, gpus / tp, seqs, budget - weights / tp, weights / tp, g.memoryFraction() > 0);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /**
   * An engine layout with {@code room} bytes per GPU for the cache; null when not one sequence
   * fits. A pre-allocated cache (vLLM's fraction) takes all of {@code room}.
   */
  private PostTrainPlan.Rollout sized(
      int tp, int engines, long seqs, double room, double weightBytes, boolean preallocated) {
    double perSeq = job.sequenceTokens() * kvPerToken(tp);
    long fit = room <= 0 ? 0 : (long) Math.floor(room / perSeq);
    if (fit < 1) {
      return null;
    }
    long perEngine = (seqs + engines - 1) / engines;
    long conc = Math.min(perEngine, fit);
    if (job.generation().batch() > 0) {
      conc = Math.min(conc, (long) job.generation().batch() * tp);
    }
    long waves = (perEngine + conc - 1) / conc;
    double kv = preallocated ? room : conc * perSeq;
    return new PostTrainPlan.Rollout(tp, engines, perEngine, conc, waves, weightBytes, kv);
  }
}
