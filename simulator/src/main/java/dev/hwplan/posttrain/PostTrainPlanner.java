package dev.hwplan.posttrain;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.training.TrainingPlan;
import dev.hwplan.training.TrainingPlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plans a post-training job on GPUs of one kind: memory per GPU of every copy, the minimum GPUs
 * that fit, and the time of one step ({@link StepTimer}).
 *
 * <p><b>Memory.</b> Every copy ({@link Copy}) is fully sharded (ZeRO-3 / FSDP, Rajbhandari et al.
 * 2020) over its pool, as DeepSpeed-Chat, OpenRLHF and verl shard theirs, except a policy at ZeRO
 * stage 2 ({@link PostTrainJob#policyZeroStage}), whose weights and reference are whole on every
 * GPU. Activations are the training planner's (gradient checkpointing, plain PyTorch kernels, fp32
 * logits); the forward-only copies keep one micro-batch's fp32 logits over the vocabulary.
 * Colocated, the phases take turns on every GPU: the training of each trainable copy (its
 * activations), the forward passes (their buffers) and the rollout engine ({@link RolloutSizing}:
 * its bf16 weights split by its tensor parallelism and its KV cache). The copies' model states stay
 * on the GPU through all phases, except with {@link Offload#BETWEEN_PHASES}, where a phase holds
 * only the states of the copy it runs and the rollout none. The peak is the largest phase plus the
 * caching allocator's overhead ({@link TrainingPlanner#ALLOCATOR_OVERHEAD}); usable memory is the
 * GPU's less {@link TrainingPlanner#RESERVED_BYTES}.
 *
 * <p>Not modelled: responses shorter than the maximum (every response decodes to {@code
 * responseTokens}), the engine's own overheads (sampling, detokenisation, scheduling gaps, its
 * activations and CUDA graphs), NF4 dequantisation time, the host transfers of offloaded states, a
 * hybrid engine's re-layout of the weights beyond one all-gather, and the reduce bucket ZeRO-3's
 * optimizer keeps ({@code reduce_bucket_size}). The hybrid engine's inference workspace, which
 * holds its KV cache, is kept through training, as DeepSpeed does unless {@code
 * release_inference_cache} ({@link RolloutSizing#workspaceBytes}).
 */
public final class PostTrainPlanner {
  private final PostTrainJob job;
  private final ClusterProfile cluster;
  private final double usable;
  private final RolloutSizing sizing;
  private final StepTimer timer;

  public PostTrainPlanner(PostTrainJob job, GpuProfile gpu, ClusterProfile cluster) {
    this.job = job;
    this.cluster = cluster;
    double capacity = gpu.memory().capacityBytes();
    this.usable = capacity - TrainingPlanner.RESERVED_BYTES;
    this.sizing = new RolloutSizing(job, capacity, usable, cluster.gpusPerNode());
    this.timer = new StepTimer(job, gpu, cluster);
  }

  public PostTrainJob job() {
    return job;
  }

  /** The copies the method keeps, in the order policy, reference, reward, critic. */
  List<Copy> copies() {
    return Copy.all(job);
  }

  /** Bytes per GPU of {@code c} on a pool of {@code gpus}, at its own peak. */
  PostTrainPlan.CopyMemory memory(Copy c, int gpus) {
    Offload off = job.offload();
    boolean whole = job.wholeWeights(c.role());
    double w = off.paramsOnHost() ? 0 : c.weightBytes() / (whole ? 1 : gpus);
    double g = off.paramsOnHost() ? 0 : c.gradientBytes() / gpus;
    double o = off.optimizerOnHost() ? 0 : c.optimizerBytes() / gpus;
    double act;
    long s = job.sequenceTokens();
    if (c.trainable()) {
      TrainingPlan.MemoryBreakdown mb =
          timer.trainer(c.model(), gpus).memory(timer.layout(gpus, job.zeroStage(c.role())), 1);
      // a scalar-head critic has no vocabulary logits
      double logits = c.scalarHead() ? 0 : mb.logitsBytes();
      act = mb.activationBytes() + logits + mb.bufferBytes();
      if (job.lora() != null) {
        // the adapter's r-wide intermediates: x A per targeted matrix (7 per layer for all linear
        // layers of a gated MLP), bf16
        act +=
            job.microBatch()
                * (double) s
                * job.lora().rank()
                * 2
                * job.lora().matricesPerLayer(c.model())
                * c.model().numHiddenLayers();
      }
    } else if (c.weightBytes() == 0) {
      act = 0; // shared with the policy: its forward runs through the policy's buffers
    } else {
      // one micro-batch's fp32 logits, and one layer's weights gathered (ZeRO-3)
      act =
          (c.scalarHead() ? 0 : job.microBatch() * (double) s * c.model().vocabSize() * 4)
              + (gpus > 1 && !whole ? 2 * c.params() / c.model().numHiddenLayers() : 0);
    }
    return new PostTrainPlan.CopyMemory(
        c.role(),
        c.model().id(),
        c.trainable(),
        c.dtype(),
        c.params(),
        c.trainableParams(),
        w,
        g,
        o,
        act);
  }

  private static double withOverhead(double bytes) {
    return bytes * (1 + TrainingPlanner.ALLOCATOR_OVERHEAD);
  }

  /**
   * The engine's bytes per GPU at its peak: its weights and cache with the allocator's overhead, or
   * exactly its fraction of the GPU when it pre-allocates one (vLLM's own pool).
   */
  private double enginePeak(PostTrainPlan.Rollout ro) {
    if (job.engine() == Engine.DS_HYBRID) {
      // the cache lives in the workspace, outside the caching allocator
      return withOverhead(ro.engineWeightBytesPerGpu() + sizing.gatherBytes(ro.tp()))
          + sizing.workspaceBytes(ro);
    }
    double b =
        ro.engineWeightBytesPerGpu() + Math.max(ro.kvBytesPerGpu(), sizing.gatherBytes(ro.tp()));
    return job.generation().memoryFraction() > 0 ? b : withOverhead(b);
  }

  /** The plan with every copy on all {@code gpus} GPUs. */
  public PostTrainPlan colocated(int gpus) {
    List<Copy> copies = copies();
    List<PostTrainPlan.CopyMemory> mem = new ArrayList<>();
    boolean phases = job.offload() == Offload.BETWEEN_PHASES;
    double state = 0;
    double phasePeak = 0; // the largest training or forward phase, its own states included
    for (Copy c : copies) {
      PostTrainPlan.CopyMemory m = memory(c, gpus);
      mem.add(m);
      state += m.stateBytes();
      double own = phases ? (c.trainable() ? m.stateBytes() : m.weightBytes()) : 0;
      phasePeak = Math.max(phasePeak, own + m.activationBytes());
    }
    double resident = phases ? 0 : state; // the states every phase holds
    PostTrainPlan.Rollout ro = job.method().rollout() ? sizing.fit(gpus, resident) : null;
    // the hybrid engine's workspace stays allocated through the training phases too
    double peak = withOverhead(resident + phasePeak) + sizing.workspaceBytes(ro);
    boolean fits = true;
    if (job.method().rollout()) {
      fits = ro != null;
      double engine =
          ro == null
              ? withOverhead(2.0 * ParameterCounter.count(job.policy()).total() / gpus)
              : enginePeak(ro);
      peak = Math.max(peak, withOverhead(resident) + engine);
    }
    fits &= peak <= usable;
    return plan(
        "colocated",
        copies,
        gpus,
        mem,
        List.of(new PostTrainPlan.Pool("all", gpus, peak)),
        peak,
        fits,
        ro,
        null);
  }

  /**
   * The plan of a placement, timed when it fits ({@link StepTimer#time}: the time of a step and
   * what it rests on); {@code poolOf} null when colocated.
   */
  private PostTrainPlan plan(
      String placement,
      List<Copy> copies,
      int gpus,
      List<PostTrainPlan.CopyMemory> mem,
      List<PostTrainPlan.Pool> pools,
      double peak,
      boolean fits,
      PostTrainPlan.Rollout ro,
      Map<Role, Integer> poolOf) {
    StepTimer.Timed t = fits ? timer.time(copies, gpus, ro, poolOf) : null;
    List<String> notes = t == null ? List.of() : t.notes();
    if (ro == null && job.method().rollout()) {
      notes =
          List.of(
              String.format(
                  Locale.ROOT,
                  "no rollout engine fits on %s: %s holds the policy's bf16 weights (%.1f"
                      + " GiB) with the cache of one %,d-token sequence beside the resident"
                      + " copies",
                  gpus == 1 ? "1 GPU" : String.format(Locale.ROOT, "%,d GPUs", gpus),
                  sizing.tried(),
                  2.0 * ParameterCounter.count(job.policy()).total() / (1L << 30),
                  job.sequenceTokens()));
    }
    return new PostTrainPlan(
        placement, gpus, mem, pools, peak, usable, fits, ro, t == null ? null : t.time(), notes);
  }

  /** GPU counts tried for a pool: 1, 2, 4, 8, then whole nodes up to {@code max}. */
  private List<Integer> sizes(int max) {
    List<Integer> out = new ArrayList<>();
    int node = cluster.gpusPerNode();
    for (int n = 1; n <= max; n = n < node ? n * 2 : n + node) {
      out.add(n);
    }
    return out;
  }

  /** The smallest colocated GPU count that fits, up to {@code max}; 0 when none. */
  public int minGpusColocated(int max) {
    for (int n : sizes(max)) {
      if (colocated(n).fits()) {
        return n;
      }
    }
    return 0;
  }

  private double peakAlone(Copy c, int gpus) {
    return withOverhead(memory(c, gpus).totalBytes());
  }

  /**
   * The plan with a pool per copy (shared-weight copies in none) and, for PPO and GRPO, one for the
   * rollout engine, each the smallest that fits, scaled up by the whole factor that {@code gpus}
   * allows (a null {@code gpus}: the minimum). Null when a copy fits no pool up to {@code max}
   * GPUs.
   */
  public PostTrainPlan split(Integer gpus, int max) {
    if (job.method().rollout() && job.engine().onTrainer()) {
      return null; // generate() runs on the trainer's own weights: there is no rollout pool
    }
    List<Copy> copies = copies();
    List<Integer> need = new ArrayList<>();
    List<Copy> pooled = new ArrayList<>();
    for (Copy c : copies) {
      if (c.weightBytes() == 0) {
        continue;
      }
      int found = 0;
      for (int n : sizes(max)) {
        if (peakAlone(c, n) <= usable) {
          found = n;
          break;
        }
      }
      if (found == 0) {
        return null;
      }
      pooled.add(c);
      need.add(found);
    }
    int genPool = 0;
    if (job.method().rollout()) {
      for (int n : sizes(max)) {
        PostTrainPlan.Rollout r = sizing.fit(n, 0);
        if (r != null && r.gpus() == n) {
          genPool = n;
          break;
        }
      }
      if (genPool == 0) {
        return null;
      }
    }
    int min = genPool + need.stream().mapToInt(Integer::intValue).sum();
    int factor = gpus == null ? 1 : Math.max(1, gpus / min);
    if (gpus != null && gpus < min) {
      factor = 0;
    }
    int f = Math.max(1, factor);
    List<PostTrainPlan.Pool> pools = new ArrayList<>();
    List<PostTrainPlan.CopyMemory> mem = new ArrayList<>();
    double peak = 0;
    Map<Role, Integer> poolOf = new HashMap<>();
    for (int i = 0; i < pooled.size(); i++) {
      Copy c = pooled.get(i);
      int n = need.get(i) * f;
      PostTrainPlan.CopyMemory m = memory(c, n);
      mem.add(m);
      double pk = withOverhead(m.totalBytes());
      pools.add(new PostTrainPlan.Pool(c.role().key(), n, pk));
      poolOf.put(c.role(), n);
      peak = Math.max(peak, pk);
    }
    PostTrainPlan.Rollout ro = null;
    if (genPool > 0) {
      ro = sizing.fit(genPool * f, 0);
      double pk = enginePeak(ro);
      pools.add(new PostTrainPlan.Pool("rollout", genPool * f, pk));
      peak = Math.max(peak, pk);
    }
    int used = min * f;
    boolean fits = factor > 0 && peak <= usable;
    return plan("split", copies, used, mem, pools, peak, fits, ro, poolOf);
  }
}
