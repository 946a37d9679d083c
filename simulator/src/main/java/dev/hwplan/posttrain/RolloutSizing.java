package dev.hwplan.posttrain;

import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.training.TrainingPlanner;

/**
 * Sizes the rollout engine on a pool of GPUs: its tensor parallel size, the engines, the sequences
 * each holds at once in its KV cache, and the waves it runs.
 *
 * <p>A serving engine takes the smallest tensor parallel size (1, 2, 4, 8, within a node) whose
 * bf16 weights leave room for one whole sequence's cache, or, where no node holds them (Llama-3.1
 * 405B, DeepSeek-V3), a node's TP in 2, 4, 8 or 16 pipeline stages, one a node (vLLM's multi-node
 * serving: TP within a node, PP across nodes; verl and OpenRLHF run 405B and 671B rollouts so). Its
 * memory per GPU is what the resident copies leave free, or, with {@link Generation#memoryFraction}
 * {@code u}, {@code u} of the GPU's total memory, which vLLM fills with its weights and a
 * pre-allocated KV cache (verl's rule {@code memory_per_gpu * gpu_memory_utilization * TP > 2 *
 * model_parameters}, docs/perf/best_practices.rst); a tensor parallel size the user fixes ({@link
 * Generation#tp}) is the only one tried. DeepSpeed-Chat's generate() on ZeRO-3 shards ({@link
 * Engine#HF_ZERO3}) runs data parallel at tensor parallel size 1 with two layers gathered (none
 * when the policy's weights are whole, ZeRO-2). Its hybrid engine ({@link Engine#DS_HYBRID}) holds
 * the bf16 weights split over its group, none of its own where the trainer's are already whole
 * (ZeRO-2, or one GPU), and needs room for {@link #gatherBytes} while it re-lays them.
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

  /** Pipeline stages tried, a node each, for a policy no node holds. */
  private static final int[] PP_CHOICES = {2, 4, 8, 16};

  /**
   * KV bytes per token per GPU of an engine of tensor parallel size {@code tp} in {@code pp}
   * stages, on the largest stage, as the memory model counts it ({@link
   * KvCacheCalculator#tokenBytesPerGpu}: KV heads split or replicated over TP; MLA's latent whole
   * on every rank, which dividing by the KV heads understated eightfold for DeepSeek-V3 at TP 8).
   */
  private double kvPerToken(int tp, int pp) {
    return KvCacheCalculator.tokenBytesPerGpu(
        job.policy(), KvDtype.BF16, MlaLayout.LATENT, Parallelism.of(tp, pp));
  }

  /** What {@link #fit} tries, in a note's words, for an engine that does not fit on a pool. */
  String tried() {
    Generation g = job.generation();
    if (g.engine() == Engine.HF_ZERO3) {
      return "generate() on the ZeRO-3 shards, one GPU each,";
    }
    if (g.engine() == Engine.DS_HYBRID) {
      return g.tp() > 0
          ? "the hybrid engine at TP " + g.tp() + ","
          : "the hybrid engine at TP 1, 2, 4 or 8 in a node,";
    }
    if (g.tp() > 0 && g.tp() != gpusPerNode) {
      return "an engine of TP " + g.tp() + ",";
    }
    return (g.tp() > 0 ? "an engine of TP " + g.tp() : "none of TP 1, 2, 4 or 8 in a node")
        + ", nor a node's TP over 2 to 16 nodes dividing them,";
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
      return sized(1, 1, gpus, seqs, free - live, live, false);
    }
    boolean hybrid = g.engine() == Engine.DS_HYBRID;
    for (int tp : TP_CHOICES) {
      if (tp > gpus || gpus % tp != 0 || tp > gpusPerNode || (g.tp() > 0 && tp != g.tp())) {
        continue;
      }
      // the hybrid engine generates with the trainer's weights where they are already whole; at a
      // group of one it gathers every parameter of the module, the LoRA adapters' too
      double w = hybrid && !gathers ? 0 : (hybrid && tp == 1 ? gatheredBytes() : weights / tp);
      if (hybrid && gatherBytes(tp) > budget - w) {
        continue;
      }
      PostTrainPlan.Rollout r =
          sized(tp, 1, gpus / tp, seqs, budget - w, w, g.memoryFraction() > 0);
      if (r != null) {
        return r;
      }
    }
    // a serving engine over nodes: the node's TP in each of pp stages
    int tp = g.tp() > 0 ? g.tp() : gpusPerNode;
    if (hybrid || tp != gpusPerNode) {
      return null;
    }
    for (int pp : PP_CHOICES) {
      int size = tp * pp;
      if (size > gpus || gpus % size != 0 || pp > p.numHiddenLayers()) {
        continue;
      }
      // the largest stage's bf16 weights (DeepSeek-V3's first stage holds its dense layers)
      double w =
          InferenceMemoryCalculator.weightBytesPerGpu(p, Parallelism.of(tp, pp), WeightDtype.BF16);
      PostTrainPlan.Rollout r =
          sized(tp, pp, gpus / size, seqs, budget - w, w, g.memoryFraction() > 0);
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
   * Bytes per GPU of the hybrid engine's whole-model gather at an inference group of one: {@code
   * generate()} gathers {@code list(self.module.parameters())}, the adapters included (DeepSpeed
   * v0.9.0 {@code runtime/hybrid_engine.py}, {@code create_inference_module}, {@code generate}), in
   * 2-byte weights.
   */
  private double gatheredBytes() {
    ModelSpec p = job.policy();
    double adapter = job.lora() == null ? 0 : job.lora().adapterParams(p);
    return 2.0 * (ParameterCounter.count(p).total() + adapter);
  }

  /**
   * Bytes per GPU of the hybrid engine's inference workspace, 0 for the other engines: DeepSpeed
   * v0.9.0's {@code InferenceContext::GenWorkSpace} (csrc/transformer/inference/includes/
   * inference_context.h) allocates, at the first generation, {@code (activation + temp + cache) *
   * max_out_tokens * 2} bytes with {@code activation = 10 * H * b}, {@code temp = b * heads / tp *
   * max_out_tokens}, {@code cache = layers * b * H / tp * 2} ({@code H} the heads times their size
   * padded to 32, 64 or 128), {@code b} the group's batch (every GPU's prompts all-gathered within
   * it), and {@code max_out_tokens} the hybrid engine's 512 ({@code runtime/config.py}) or the
   * sequence where longer. It takes it with {@code cudaMalloc}, outside PyTorch's caching allocator
   * (no allocator overhead), and keeps it through training unless {@code release_inference_cache},
   * which DeepSpeed-Chat leaves off.
   */
  double workspaceBytes(PostTrainPlan.Rollout r) {
    if (job.generation().engine() != Engine.DS_HYBRID || r == null) {
      return 0;
    }
    ModelSpec p = job.policy();
    int hd = p.headDim();
    double h =
        (double) p.numAttentionHeads() * (hd > 128 ? hd : hd <= 32 ? 32 : hd <= 64 ? 64 : 128);
    double b = r.concurrentSequences();
    double tokens = Math.max(512, job.sequenceTokens());
    double activation = 10 * h * b;
    double temp = b * p.numAttentionHeads() / r.tp() * tokens;
    double cache = p.numHiddenLayers() * b * h / r.tp() * 2;
    return (activation + temp + cache) * tokens * 2;
  }

  /**
   * An engine layout with {@code room} bytes per GPU for the cache; null when not one sequence
   * fits. A pre-allocated cache (vLLM's fraction) takes all of {@code room}.
   */
  private PostTrainPlan.Rollout sized(
      int tp,
      int pp,
      int engines,
      long seqs,
      double room,
      double weightBytes,
      boolean preallocated) {
    double perSeq = job.sequenceTokens() * kvPerToken(tp, pp);
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
    return new PostTrainPlan.Rollout(tp, pp, engines, perEngine, conc, waves, weightBytes, kv);
  }
}
