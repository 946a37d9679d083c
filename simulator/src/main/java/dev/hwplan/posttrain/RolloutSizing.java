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
 * docs/perf/best_practices.rst); a tensor parallel size the user fixes ({@link Generation#tp}) is
 * the only one tried. DeepSpeed-Chat's generate() on ZeRO-3 shards ({@link Engine#HF_ZERO3}) runs
 * data parallel at tensor parallel size 1 with two layers gathered (none when the policy's weights
 * are whole, ZeRO-2). Its hybrid engine ({@link Engine#DS_HYBRID}) holds the bf16 weights split
 * over its group, none of its own where the trainer's are already whole (ZeRO-2, or one GPU), and
 * needs room for {@link #gatherBytes} while it re-lays them.
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
    boolean gathers = job.policySharded() && gpus > 1;
    if (g.engine() == Engine.HF_ZERO3) {
      // data parallel generate on the ZeRO-3 shards: two layers live (the running one and the
      // prefetched one), every GPU its own static batch; whole weights (ZeRO-2) gather nothing
      double live = gathers ? 2 * weights / p.numHiddenLayers() : 0;
      return sized(1, gpus, seqs, free - live, live, false);
    }
    boolean hybrid = g.engine() == Engine.DS_HYBRID;
    for (int tp : TP_CHOICES) {
      if (tp > gpus || gpus % tp != 0 || tp > gpusPerNode || (g.tp() > 0 && tp != g.tp())) {
        continue;
      }
      // the hybrid engine generates with the trainer's weights where they are already whole
      double w = hybrid && !gathers ? 0 : weights / tp;
      if (hybrid && gatherBytes(tp) > budget - w) {
        continue;
      }
      PostTrainPlan.Rollout r = sized(tp, gpus / tp, seqs, budget - w, w, g.memoryFraction() > 0);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /**
   * Bytes per GPU of the layers the hybrid engine holds whole while it re-lays them into a tensor
   * parallel group of {@code tp} ({@link Generation#gatherLayers} of them), before its cache is
   * filled; 0 for the other engines and for a group of one (its gather is the whole model, {@code
   * weights / 1}).
   */
  double gatherBytes(int tp) {
    Generation g = job.generation();
    if (g.engine() != Engine.DS_HYBRID || tp == 1 || !job.policySharded()) {
      return 0;
    }
    ModelSpec p = job.policy();
    int layers = Math.min(g.gatherLayers(), p.numHiddenLayers());
    return 2.0 * ParameterCounter.count(p).total() * layers / p.numHiddenLayers();
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
