package dev.hwplan.posttrain;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.op.Collective;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.training.ClusterLinks;
import dev.hwplan.training.Layout;
import dev.hwplan.training.Precision;
import dev.hwplan.training.Recompute;
import dev.hwplan.training.TrainingJob;
import dev.hwplan.training.TrainingPlan;
import dev.hwplan.training.TrainingPlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a post-training job on GPUs of one kind: memory per GPU of every copy, the minimum GPUs
 * that fit, and the time of one step.
 *
 * <p><b>Memory.</b> Every copy is fully sharded (ZeRO-3 / FSDP, Rajbhandari et al. 2020) over its
 * pool, as DeepSpeed-Chat, OpenRLHF and verl shard theirs. A trainable copy in full fine-tuning
 * holds bf16 weights and gradients and fp32 master weights and Adam moments (16 B/param, the ZeRO
 * paper's accounting, {@link Precision#MIXED}); with LoRA it holds the frozen base (bf16 or NF4,
 * {@link Lora#baseBytes}) and 16 B per adapter parameter. Frozen copies hold bf16 weights.
 * Activations are the training planner's (gradient checkpointing, plain PyTorch kernels, fp32
 * logits); the forward-only copies keep one micro-batch's fp32 logits. Colocated, the copies' model
 * states stay on every GPU through all phases and the phases take turns with the rest: the training
 * activations, the forward buffers, and the rollout engine's bf16 weights (split by its tensor
 * parallelism) and KV cache. The peak is the largest phase plus the caching allocator's overhead
 * ({@link TrainingPlanner#ALLOCATOR_OVERHEAD}); usable memory is the GPU's less {@link
 * TrainingPlanner#RESERVED_BYTES}.
 *
 * <p><b>Time.</b> One step runs in turn: the rollout (PPO, GRPO) through the step model, prefill of
 * the prompts and decode of every response to its full length at the concurrency the KV cache
 * allows, in waves; the weight sync from the trainer to the engine (colocated: an all-gather of the
 * bf16 weights; split: a send over the links between pools); the forward passes of the reference,
 * reward model, critic and the policy's old log-probabilities (the step model's prefill of whole
 * sequences, plus the ZeRO-3 all-gather of the copy's weights); and the training steps of the actor
 * and critic from {@link TrainingPlanner} (ZeRO-3, full recompute) times the PPO epochs. Split
 * pools run the forward passes and the two trainings side by side (OpenRLHF's Ray layout). LoRA
 * training keeps the forward and the backward's input gradients (4 of the 6 FLOPs per parameter and
 * token) and drops the weight gradients of the base: its compute is 2/3 of full training's,
 * recompute unchanged.
 *
 * <p>The rollout engine is vLLM-like by default; {@link Engine#HF_ZERO3} models DeepSpeed-Chat's
 * generate() on ZeRO-3 shards (static batches, plain kernels, the whole model all-gathered per
 * decode step), and a generation batch caps the sequences generated at once.
 *
 * <p>Not modelled: responses shorter than the maximum (every response decodes to {@code
 * responseTokens}), the engine's own overheads (sampling, detokenisation, scheduling gaps), NF4
 * dequantisation time, and a hybrid engine's re-layout of the weights beyond one all-gather.
 */
public final class PostTrainPlanner {
  private static final int[] TP_CHOICES = {1, 2, 4, 8};

  private final PostTrainJob job;
  private final GpuProfile gpu;
  private final ClusterProfile cluster;
  private final double usable;
  private final ClusterLinks links;
  private final Map<String, StepModel> steps = new HashMap<>();

  public PostTrainPlanner(PostTrainJob job, GpuProfile gpu, ClusterProfile cluster) {
    this.job = job;
    this.gpu = gpu;
    this.cluster = cluster;
    this.usable = gpu.memory().capacityBytes() - TrainingPlanner.RESERVED_BYTES;
    this.links = new ClusterLinks(cluster, step(job.policy(), 1));
  }

  public PostTrainJob job() {
    return job;
  }

  /** A copy before sharding: its role, model, and whole bytes. */
  record Copy(
      Role role,
      ModelSpec model,
      boolean trainable,
      String dtype,
      double params,
      double trainableParams,
      double weightBytes,
      double gradientBytes,
      double optimizerBytes) {}

  /** The copies the method keeps, in the order policy, reference, reward, critic. */
  List<Copy> copies() {
    List<Copy> out = new ArrayList<>();
    ModelSpec p = job.policy();
    double n = ParameterCounter.count(p).total();
    Lora lora = job.lora();
    Precision mixed = Precision.MIXED;
    if (lora == null) {
      out.add(
          new Copy(
              Role.POLICY,
              p,
              true,
              "bf16",
              n,
              n,
              n * mixed.weightBytes,
              n * mixed.gradBytes,
              n * mixed.optimizerBytes));
    } else {
      double a = lora.adapterParams(p);
      out.add(
          new Copy(
              Role.POLICY,
              p,
              true,
              (lora.nf4() ? "nf4" : "bf16") + "+lora",
              n + a,
              a,
              lora.baseBytes(p) + a * mixed.weightBytes,
              a * mixed.gradBytes,
              a * mixed.optimizerBytes));
    }
    Method m = job.method();
    boolean reference = m != Method.SFT && !(m == Method.DPO && job.precomputedReference());
    if (reference) {
      double w = job.sharedReference() ? 0 : 2 * n;
      out.add(
          new Copy(
              Role.REFERENCE, p, false, job.sharedReference() ? "shared" : "bf16", n, 0, w, 0, 0));
    }
    ModelSpec r = job.rewardModel() != null ? job.rewardModel() : (m == Method.PPO ? p : null);
    if (r != null && m.rollout()) {
      double rn = scalarHeadParams(r);
      out.add(new Copy(Role.REWARD, r, false, "bf16", rn, 0, 2 * rn, 0, 0));
      if (m == Method.PPO) {
        out.add(
            new Copy(
                Role.CRITIC,
                r,
                true,
                "bf16",
                rn,
                rn,
                rn * mixed.weightBytes,
                rn * mixed.gradBytes,
                rn * mixed.optimizerBytes));
      }
    }
    return out;
  }

  /**
   * Parameters of a reward or value model built on {@code m}: the LM head replaced by a scalar head
   * of {@code hidden} weights (InstructGPT's reward model; Hugging Face's {@code score} layer).
   */
  static double scalarHeadParams(ModelSpec m) {
    var c = ParameterCounter.count(m);
    return c.total() - c.outputHead() + (double) m.hiddenSize();
  }

  private static boolean scalarHead(Role r) {
    return r == Role.REWARD || r == Role.CRITIC;
  }

  /** The training planner of a trainable copy on a pool of {@code gpus}. */
  private TrainingPlanner trainer(ModelSpec m, int gpus) {
    long seqs = job.sequencesPerStep();
    long per = (long) gpus * job.microBatch();
    long global = ((seqs + per - 1) / per) * per; // the batch rounded up to whole micro-batches
    TrainingJob t =
        new TrainingJob(
            m,
            job.sequenceTokens(),
            global,
            Precision.MIXED,
            true,
            false,
            false,
            Execution.EAGER,
            false);
    return new TrainingPlanner(t, gpu, cluster, gpus, step(m, 1));
  }

  private Layout layout(int gpus) {
    return new Layout(
        1, 1, gpus, 1, 1, 1, false, job.microBatch(), 3, Recompute.FULL, job.offload());
  }

  /** Bytes per GPU of {@code c} on a pool of {@code gpus}, at its own peak. */
  PostTrainPlan.CopyMemory memory(Copy c, int gpus) {
    double w = job.paramOffload() ? 0 : c.weightBytes() / gpus;
    double g = job.paramOffload() ? 0 : c.gradientBytes() / gpus;
    double o = job.offload() ? 0 : c.optimizerBytes() / gpus;
    double act;
    long s = job.sequenceTokens();
    if (c.trainable()) {
      TrainingPlan.MemoryBreakdown mb = trainer(c.model(), gpus).memory(layout(gpus), 1);
      // a scalar-head critic has no vocabulary logits
      double logits = scalarHead(c.role()) ? 0 : mb.logitsBytes();
      act = mb.activationBytes() + logits + mb.bufferBytes();
      if (job.lora() != null) {
        // the adapter's r-wide intermediates: x A per targeted matrix (7 per layer), bf16
        act +=
            job.microBatch() * (double) s * job.lora().rank() * 2 * 7 * c.model().numHiddenLayers();
      }
    } else if (c.weightBytes() == 0) {
      act = 0; // shared with the policy: its forward runs through the policy's buffers
    } else {
      // one micro-batch's fp32 logits, and one layer's weights gathered (ZeRO-3)
      act =
          (scalarHead(c.role()) ? 0 : job.microBatch() * (double) s * c.model().vocabSize() * 4)
              + (gpus > 1 ? 2 * c.params() / c.model().numHiddenLayers() : 0);
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

  /** KV bytes per token per GPU of an engine of tensor parallel size {@code tp}. */
  private double kvPerToken(int tp) {
    ModelSpec p = job.policy();
    return KvCacheCalculator.bytesPerToken(p) / (double) Math.min(tp, p.numKeyValueHeads());
  }

  /**
   * The rollout engine on a pool of {@code gpus} that already holds {@code stateBytes} per GPU: the
   * smallest tensor parallel size whose weights leave room for one sequence's cache.
   */
  PostTrainPlan.Rollout rollout(int gpus, double stateBytes) {
    ModelSpec p = job.policy();
    double weights = 2.0 * ParameterCounter.count(p).total();
    double room = usable / (1 + TrainingPlanner.ALLOCATOR_OVERHEAD) - stateBytes;
    long seqs = job.sequencesPerStep();
    double perSeq1 = job.sequenceTokens() * kvPerToken(1);
    if (job.engine() == Engine.HF_ZERO3) {
      // data parallel generate on the ZeRO-3 shards: two layers live (the running one and the
      // prefetched one), every GPU its own static batch
      double live = 2 * weights / p.numHiddenLayers();
      double free = room - live;
      long fit = free <= 0 ? 0 : (long) Math.floor(free / perSeq1);
      if (fit < 1) {
        return null;
      }
      long perEngine = (seqs + gpus - 1) / gpus;
      long conc = Math.min(perEngine, fit);
      if (job.generationBatch() > 0) {
        conc = Math.min(conc, job.generationBatch());
      }
      long waves = (perEngine + conc - 1) / conc;
      return new PostTrainPlan.Rollout(1, gpus, perEngine, conc, waves, live, conc * perSeq1);
    }
    for (int tp : TP_CHOICES) {
      if (tp > gpus || gpus % tp != 0 || tp > cluster.gpusPerNode()) {
        continue;
      }
      double free = room - weights / tp;
      double perSeq = job.sequenceTokens() * kvPerToken(tp);
      long fit = free <= 0 ? 0 : (long) Math.floor(free / perSeq);
      if (fit >= 1) {
        int engines = gpus / tp;
        long perEngine = (seqs + engines - 1) / engines;
        long conc = Math.min(perEngine, fit);
        if (job.generationBatch() > 0) {
          conc = Math.min(conc, (long) job.generationBatch() * tp);
        }
        long waves = (perEngine + conc - 1) / conc;
        return new PostTrainPlan.Rollout(
            tp, engines, perEngine, conc, waves, weights / tp, conc * perSeq);
      }
    }
    return null;
  }

  /** The plan with every copy on all {@code gpus} GPUs. */
  public PostTrainPlan colocated(int gpus) {
    List<Copy> copies = copies();
    List<PostTrainPlan.CopyMemory> mem = new ArrayList<>();
    double state = 0;
    double train = 0;
    double forward = 0;
    for (Copy c : copies) {
      PostTrainPlan.CopyMemory m = memory(c, gpus);
      mem.add(m);
      state += m.stateBytes();
      if (c.trainable()) {
        train = Math.max(train, m.activationBytes());
      } else {
        forward = Math.max(forward, m.activationBytes());
      }
    }
    double peak = state + Math.max(train, forward);
    PostTrainPlan.Rollout ro = null;
    boolean fits = true;
    if (job.method().rollout()) {
      ro = rollout(gpus, state);
      if (ro == null) {
        fits = false;
        peak = Math.max(peak, state + 2.0 * ParameterCounter.count(job.policy()).total() / gpus);
      } else {
        peak = Math.max(peak, state + ro.engineWeightBytesPerGpu() + ro.kvBytesPerGpu());
      }
    }
    peak *= 1 + TrainingPlanner.ALLOCATOR_OVERHEAD;
    fits &= peak <= usable;
    PostTrainPlan.Time time = fits ? time(copies, gpus, ro, null) : null;
    return new PostTrainPlan(
        "colocated",
        gpus,
        mem,
        List.of(new PostTrainPlan.Pool("all", gpus, peak)),
        peak,
        usable,
        fits,
        ro,
        time);
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
    return memory(c, gpus).totalBytes() * (1 + TrainingPlanner.ALLOCATOR_OVERHEAD);
  }

  /**
   * The plan with a pool per copy (shared-weight copies in none) and, for PPO and GRPO, one for the
   * rollout engine, each the smallest that fits, scaled up by the whole factor that {@code gpus}
   * allows (a null {@code gpus}: the minimum). Null when a copy fits no pool up to {@code max}
   * GPUs.
   */
  public PostTrainPlan split(Integer gpus, int max) {
    if (job.method().rollout() && job.engine() == Engine.HF_ZERO3) {
      return null; // generate() runs on the trainer's own shards: there is no rollout pool
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
      for (int n : sizes(Math.min(max, cluster.gpusPerNode()))) {
        PostTrainPlan.Rollout r = rollout(n, 0);
        if (r != null && r.tp() == n) {
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
      double pk = m.totalBytes() * (1 + TrainingPlanner.ALLOCATOR_OVERHEAD);
      pools.add(new PostTrainPlan.Pool(c.role().key(), n, pk));
      poolOf.put(c.role(), n);
      peak = Math.max(peak, pk);
    }
    PostTrainPlan.Rollout ro = null;
    if (genPool > 0) {
      ro = rollout(genPool * f, 0);
      double pk =
          (ro.engineWeightBytesPerGpu() + ro.kvBytesPerGpu())
              * (1 + TrainingPlanner.ALLOCATOR_OVERHEAD);
      pools.add(new PostTrainPlan.Pool("rollout", genPool * f, pk));
      peak = Math.max(peak, pk);
    }
    int used = min * f;
    boolean fits = factor > 0 && peak <= usable;
    PostTrainPlan.Time time = fits ? time(copies, used, ro, poolOf) : null;
    return new PostTrainPlan("split", used, mem, pools, peak, usable, fits, ro, time);
  }

  /** A step model of {@code m} on {@code tp} GPUs of this kind, bf16 weights and cache. */
  private StepModel step(ModelSpec m, int tp) {
    return step(m, tp, Execution.FUSED);
  }

  private StepModel step(ModelSpec m, int tp, Execution x) {
    return steps.computeIfAbsent(
        m.id() + "/" + tp + "/" + x,
        k ->
            Calibrations.stepModel(
                new StepConfig(
                    m, Parallelism.of(tp, 1), WeightDtype.BF16, KvDtype.BF16, MlaLayout.LATENT, x),
                gpu));
  }

  /**
   * Seconds of the rollout: per wave, the prompts' prefill and the responses' decode. With {@link
   * Engine#HF_ZERO3} every forward call (the prefill and each decode step) takes the longer of its
   * compute, with plain PyTorch kernels, and the all-gather of the whole bf16 model over the pool
   * (ZeRO-3's prefetch overlaps the two).
   */
  double generationSeconds(PostTrainPlan.Rollout r, int gpus) {
    boolean hf = job.engine() == Engine.HF_ZERO3;
    StepModel s = step(job.policy(), r.tp(), hf ? Execution.EAGER : Execution.FUSED);
    double gather =
        hf && gpus > 1
            ? links.collective(
                Collective.ALL_GATHER, gpus, 1, 2.0 * ParameterCounter.count(job.policy()).total())
            : 0;
    long c = r.concurrentSequences();
    long p = job.promptTokens();
    long resp = job.responseTokens();
    double wave = Math.max(gather, s.seconds(StepComposition.prefill(c, p)));
    // decode: the response in 8 segments, each timed at its middle context
    int segments = (int) Math.min(8, resp);
    long done = 0;
    for (int i = 0; i < segments; i++) {
      long end = resp * (i + 1) / segments;
      long len = end - done;
      long mid = p + done + len / 2;
      wave += len * Math.max(gather, s.seconds(StepComposition.decode(c, mid)));
      done = end;
    }
    return wave * r.waves();
  }

  /** Seconds of a forward pass of {@code m} over the step's sequences on a pool of {@code gpus}. */
  double forwardSeconds(ModelSpec m, double weightBytes, int gpus) {
    long seqs = job.sequencesPerStep();
    long perGpu = (seqs + gpus - 1) / gpus;
    double t = 0;
    long mb = Math.max(1, Math.min(perGpu, 8 * job.microBatch()));
    long full = perGpu / mb;
    long rest = perGpu % mb;
    StepModel s = step(m, 1);
    t += full * s.seconds(StepComposition.prefill(mb, job.sequenceTokens()));
    if (rest > 0) {
      t += s.seconds(StepComposition.prefill(rest, job.sequenceTokens()));
    }
    return t + links.collective(Collective.ALL_GATHER, gpus, 1, weightBytes);
  }

  /** Seconds of the training of trainable copy {@code c} on {@code gpus}, all epochs. */
  double trainSeconds(Copy c, int gpus) {
    TrainingPlanner tp = trainer(c.model(), gpus);
    Layout l = layout(gpus);
    String why = tp.invalid(l);
    if (why != null) {
      throw InvalidInputException.option("--gpus", why);
    }
    TrainingPlan p = tp.evaluate(l);
    double t = p.stepSeconds();
    if (job.lora() != null && c.role() == Role.POLICY) {
      TrainingPlan.TimeBreakdown b = p.time();
      double adapterShare = c.trainableParams() / c.params();
      t =
          b.computeSeconds() * 2 / 3
              + b.recomputeSeconds()
              + b.bubbleSeconds()
              + b.dpCommSeconds()
              + b.optimizerSeconds() * adapterShare;
    }
    return t * job.ppoEpochs();
  }

  private PostTrainPlan.Time time(
      List<Copy> copies, int gpus, PostTrainPlan.Rollout r, Map<Role, Integer> pools) {
    boolean split = pools != null;
    double gen = r == null ? 0 : generationSeconds(r, gpus);
    double sync = 0;
    Copy policy = copies.get(0);
    if (r != null && job.engine() == Engine.VLLM) {
      double bytes =
          job.lora() != null
              ? 2 * policy.trainableParams()
              : 2.0 * ParameterCounter.count(job.policy()).total();
      if (split) {
        sync = links.send(gpus > cluster.gpusPerNode() ? cluster.gpusPerNode() : 1, bytes);
      } else {
        sync = links.collective(Collective.ALL_GATHER, gpus, 1, bytes);
      }
    }
    double fwd = 0;
    double train = 0;
    for (Copy c : copies) {
      int n = split ? pools.getOrDefault(c.role(), pools.get(Role.POLICY)) : gpus;
      double f = 0;
      if (!c.trainable()) {
        // a shared-weight reference gathers nothing of its own
        f = forwardSeconds(c.model(), c.weightBytes(), n);
      } else if (job.method().rollout()) {
        // the old policy's log-probs and the critic's values before the update
        f = forwardSeconds(c.model(), 2 * c.params(), n);
      }
      fwd = split ? Math.max(fwd, f) : fwd + f;
      if (c.trainable()) {
        double t = trainSeconds(c, n);
        train = split ? Math.max(train, t) : train + t;
      }
    }
    double step = gen + sync + fwd + train;
    return new PostTrainPlan.Time(gen, sync, fwd, train, step, step * 1000.0 / job.batchPrompts());
  }
}
