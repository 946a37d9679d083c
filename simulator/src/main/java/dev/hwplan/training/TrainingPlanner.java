package dev.hwplan.training;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.model.FlopCounter;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Collective;
import dev.hwplan.op.OpGraph;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TrainingStep;
import java.util.HashMap;
import java.util.Map;

/**
 * The training planner: the step time, memory and rates of a layout of a {@link TrainingJob} on a
 * cluster, from the step model's per-op times and the cluster's links.
 *
 * <p>Step time, 1F1B (Narayanan et al. 2021, section 2.2): {@code (m + (p-1)/v) x (t_f + t_b)} for
 * {@code m} micro-batches, {@code p} stages and {@code v} virtual stages per GPU, where {@code t_f}
 * and {@code t_b} are the slowest stage's forward and backward of one micro-batch (its layers'
 * compute, recompute and TP/CP/EP communication); plus the point-to-point sends, the exposed part
 * of the data-parallel reduction (buckets of 40M parameters reduced while the last micro-batch's
 * backward runs, as Megatron-LM's overlapped grad reduce), and the optimizer update.
 *
 * <p>Per-layer compute is timed once per (TP, CP, micro-batch, SP, layer kind) and reused across
 * layouts, so that evaluating a layout is arithmetic.
 */
public final class TrainingPlanner {
  /**
   * The caching allocator's overhead over the allocated peak: 8.3%, the median of {@code
   * maxReservedBytes / peakStepBytes} over the 52 H200 training steps in
   * kernels/cuda/results/h200-sxm/train-steps.json (range 1.1% to 25%).
   */
  public static final double ALLOCATOR_OVERHEAD = 0.083;

  /** Memory the framework holds outside the allocator: CUDA context, NCCL buffers (1 GiB). */
  public static final double RESERVED_BYTES = 1L << 30;

  /**
   * FlashAttention as the step model times it (GEMM-like matrix efficiency) is faster than the
   * kernels measured on the H200: measured over predicted, median of 150 causal shapes of 1k to
   * 128k tokens (MHA, GQA, MQA) in kernels/cuda/results/h200-sxm/prefill-attention.json (issue 15's
   * fitting grid, not its validation grid), for PyTorch SDPA's flash backend (FlashAttention-2,
   * what plain PyTorch runs) and its cuDNN backend (what Transformer Engine runs on Hopper),
   * forward and backward. AttentionScaleTest recomputes them from the file: when the step model's
   * prefill attention is recalibrated (issue 15) they must be refitted.
   */
  static final double SDPA_FLASH_FORWARD = 2.589;

  static final double SDPA_FLASH_BACKWARD = 2.937;
  static final double CUDNN_FORWARD = 1.467;
  static final double CUDNN_BACKWARD = 1.710;

  /** Megatron-LM's gradient bucket: 40M parameters ({@code --ddp-bucket-size} default). */
  public static final double BUCKET_PARAMS = 40e6;

  private final TrainingJob job;
  private final GpuProfile gpu;
  private final ClusterProfile cluster;
  private final int gpus;
  private final StepModel step;
  private final ClusterLinks links;
  private final double peakFlops;
  private final double capacity;
  private final double modelFlopsPerToken;
  private final double forwardFlopsPerToken;
  private final double attentionForwardFlopsPerToken;
  private final Map<Long, LayerCost> costs = new HashMap<>();

  /**
   * A planner for {@code job} on {@code gpus} GPUs of {@code gpu} in nodes of {@code cluster}, with
   * op times from {@code step} (a step model of the same GPU; its configuration is not used).
   */
  public TrainingPlanner(
      TrainingJob job, GpuProfile gpu, ClusterProfile cluster, int gpus, StepModel step) {
    this.job = job;
    this.gpu = gpu;
    this.cluster = cluster;
    this.gpus = gpus;
    this.step = step;
    this.links = new ClusterLinks(cluster, step);
    this.peakFlops = gpu.peakFlops(DType.BF16).orElseThrow();
    this.capacity = gpu.memory().capacityBytes();
    ModelSpec m = job.model();
    this.modelFlopsPerToken = FlopCounter.trainingFlopsPerToken(m, job.seq());
    this.attentionForwardFlopsPerToken =
        (modelFlopsPerToken - 3 * FlopCounter.matmulFlopsPerToken(m)) / 3;
    this.forwardFlopsPerToken = modelFlopsPerToken / 3;
  }

  /**
   * A planner with op times from the calibrated model of {@code gpu} (the committed measurements'
   * fit), on {@code gpus} GPUs in nodes of {@code cluster}.
   */
  public static TrainingPlanner calibrated(
      TrainingJob job, GpuProfile gpu, ClusterProfile cluster, int gpus) {
    return new TrainingPlanner(
        job,
        gpu,
        cluster,
        gpus,
        dev.hwplan.perf.calibration.Calibrations.stepModel(
            dev.hwplan.step.StepConfig.of(job.model()), gpu));
  }

  public TrainingJob job() {
    return job;
  }

  public int gpus() {
    return gpus;
  }

  public GpuProfile gpu() {
    return gpu;
  }

  public ClusterProfile cluster() {
    return cluster;
  }

  /** Model FLOPs of one step: {@link FlopCounter#trainingFlopsPerToken} times its tokens. */
  public double modelFlopsPerStep() {
    return modelFlopsPerToken * job.tokensPerStep();
  }

  /** One layer kind's costs for one micro-batch. */
  record LayerCost(
      double forward,
      double backward,
      double core,
      double tpForward,
      double tpBackward,
      double cpBytes,
      double attentionForward,
      double attentionBackward,
      double a2aBytes,
      int forwardKernels,
      int backwardKernels) {}

  record StageCosts(LayerCost dense, LayerCost moe, LayerCost head, LayerCost embedding) {}

  private LayerCost cost(Layout l, boolean moe, int kind) {
    long key =
        ((((((long) l.tp() * 64 + l.cp()) * 4096 + l.microBatch()) * 2 + (l.sp() ? 1 : 0)) * 256
                    + l.ep())
                * 4
            + kind);
    LayerCost c = costs.get(key);
    if (c == null) {
      c = computeCost(l, moe, kind);
      costs.put(key, c);
    }
    return c;
  }

  private LayerCost computeCost(Layout l, boolean moe, int kind) {
    TrainingStep.Shape s =
        new TrainingStep.Shape(
            l.microBatch(),
            job.seq(),
            l.tp(),
            l.cp(),
            l.ep(),
            l.sp(),
            job.flashAttention(),
            job.dropout(),
            job.precision().linearDtype);
    TrainingStep.LayerOps ops =
        switch (kind) {
          case 0 -> TrainingStep.layer(step.config(), s, moe, job.execution());
          case 1 -> TrainingStep.head(step.config(), s, job.execution());
          default -> TrainingStep.embedding(step.config(), s);
        };
    double attF = 0;
    double attB = 0;
    for (var op : ops.forward().ops()) {
      if (op.name().startsWith("attention")) {
        attF += step.time(new OpGraph(java.util.List.of(op))).seconds();
      }
    }
    for (var op : ops.backward().ops()) {
      if (op.name().startsWith("attention")) {
        attB += step.time(new OpGraph(java.util.List.of(op))).seconds();
      }
    }
    double kf = job.execution() == Execution.EAGER ? SDPA_FLASH_FORWARD : CUDNN_FORWARD;
    double kb = job.execution() == Execution.EAGER ? SDPA_FLASH_BACKWARD : CUDNN_BACKWARD;
    if (!job.flashAttention()) {
      kf = 1;
      kb = 1;
    }
    double f = step.time(ops.forward()).seconds() + (kf - 1) * attF;
    double b = step.time(ops.backward()).seconds() + (kb - 1) * attB;
    if (kind == 0 && job.precision() == Precision.AMP) {
      // autocast casts each fp32 weight to bf16 in the forward (read 4, write 2 bytes) and the
      // bf16 weight gradient is cast into the fp32 .grad in the backward (read 2, write 4)
      double p = ModelCopy.trainable(job.model(), job.precision(), l).params(0).total();
      double perLayer =
          (p - 2.0 * job.model().vocabSize() * job.model().hiddenSize() / l.tp())
              / Math.max(1, job.model().numHiddenLayers() / l.pp());
      int weights = 4;
      f +=
          step.time(
                  TrainingStep.elementwise("autocast.weights", 4 * perLayer, 2 * perLayer, weights))
              .seconds();
      b +=
          step.time(TrainingStep.elementwise("autocast.grads", 2 * perLayer, 4 * perLayer, weights))
              .seconds();
    }
    return new LayerCost(
        f,
        b,
        step.time(ops.attentionCore()).seconds() * kf,
        tp(ops.forwardComm(), l),
        tp(ops.backwardComm(), l),
        ops.cpExchangeBytes(),
        attF * kf,
        attB * kb,
        ops.epAllToAllBytes(),
        kernels(ops.forward()),
        kernels(ops.backward()));
  }

  /** Kernel launches of a graph: an elementwise op's kernels, one for any other op. */
  static int kernels(OpGraph g) {
    int n = 0;
    for (var op : g.ops()) {
      int k = op.shape() instanceof dev.hwplan.op.OpShape.Elementwise e ? e.kernels() : 1;
      n += k * op.count();
    }
    return n;
  }

  /** TP collectives: inside a node through the step model, else through the cluster's links. */
  private double tp(OpGraph g, Layout l) {
    if (l.tp() <= links.gpusPerNode()) {
      return step.time(g).seconds();
    }
    double t = 0;
    for (var op : g.ops()) {
      var shape = (dev.hwplan.op.OpShape.Comm) op.shape();
      t += op.count() * links.collective(shape.collective(), l.tp(), 1, shape.bytes());
    }
    return t;
  }

  /** The dense layer's costs for one micro-batch under {@code l} (for the validation tests). */
  LayerCost denseLayer(Layout l) {
    return cost(l, false, 0);
  }

  /** The head's costs (final norm, logits, cross-entropy) for one micro-batch under {@code l}. */
  LayerCost headCost(Layout l) {
    return cost(l, false, 1);
  }

  /** The optimizer update of {@code params} parameters, seconds. */
  double optimizerSeconds(double params) {
    return step.time(TrainingStep.optimizer(params, optimizerTraffic(), optimizerKernels()))
        .seconds();
  }

  /**
   * Bytes Adam moves per parameter: fused (Megatron-LM, apex) reads and writes each state once
   * ({@link Precision#optimizerTrafficBytes}); PyTorch's default for-each AdamW runs 8 passes that
   * read 12 and write 8 tensors of the state's element size (weight decay, lerp of m, mul and
   * addcmul of v, sqrt, div, add eps, addcdiv): 20 element moves.
   */
  private double optimizerTraffic() {
    if (job.execution() == Execution.EAGER) {
      return 20 * (job.precision() == Precision.BF16 ? 2 : 4);
    }
    return job.precision().optimizerTrafficBytes;
  }

  private int optimizerKernels() {
    return job.execution() == Execution.EAGER ? 8 : 1;
  }

  /** Why {@code l} cannot run {@code job} on this cluster, or null when it can. */
  public String invalid(Layout l) {
    ModelSpec m = job.model();
    if (m.numAttentionHeads() % l.tp() != 0) {
      return "TP " + l.tp() + " does not divide the " + m.numAttentionHeads() + " attention heads";
    }
    int kv = m.numKeyValueHeads();
    if (m.mla() == null && kv % l.tp() != 0 && l.tp() % kv != 0) {
      return "TP " + l.tp() + " neither divides nor is a multiple of the " + kv + " KV heads";
    }
    if (l.gpus() != gpus) {
      return "layout uses " + l.gpus() + " GPUs (tp x pp x dp x cp), not " + gpus;
    }
    if (l.pp() > m.numHiddenLayers()) {
      return "PP " + l.pp() + " exceeds the " + m.numHiddenLayers() + " layers";
    }
    if (l.vpp() > 1 && m.numHiddenLayers() % (l.pp() * l.vpp()) != 0) {
      return "layers not divisible by PP x VPP ("
          + m.numHiddenLayers()
          + " layers, "
          + l.pp()
          + " x "
          + l.vpp()
          + ")";
    }
    if (l.vpp() > 1 && l.pp() == 1) {
      return "VPP needs PP > 1";
    }
    if (job.seq() % (2L * l.cp()) != 0 && l.cp() > 1) {
      return "sequence "
          + job.seq()
          + " not divisible by 2 x CP "
          + l.cp()
          + " (load-balanced split)";
    }
    if (l.ep() > 1) {
      if (m.moe() == null) {
        return "EP " + l.ep() + " for a dense model";
      }
      if (m.moe().nRoutedExperts() % l.ep() != 0) {
        return "EP " + l.ep() + " does not divide the " + m.moe().nRoutedExperts() + " experts";
      }
      if (l.shardGroup() % l.ep() != 0) {
        return "EP " + l.ep() + " does not divide DP x CP " + l.shardGroup();
      }
    }
    if (job.globalBatch() % ((long) l.dp() * l.microBatch()) != 0) {
      return "global batch "
          + job.globalBatch()
          + " not divisible by DP x micro-batch "
          + ((long) l.dp() * l.microBatch());
    }
    long mbs = job.globalBatch() / ((long) l.dp() * l.microBatch());
    if (l.vpp() > 1 && mbs % l.pp() != 0) {
      return "interleaved schedule needs micro-batches (" + mbs + ") a multiple of PP " + l.pp();
    }
    return null;
  }

  /**
   * Evaluates {@code l}; throws {@link IllegalArgumentException} with {@link #invalid}'s reason
   * when the layout cannot run.
   */
  public TrainingPlan evaluate(Layout l) {
    String why = invalid(l);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    ModelSpec m = job.model();
    int p = l.pp();
    int v = l.vpp();
    long mbs = job.globalBatch() / ((long) l.dp() * l.microBatch());
    LayerCost dense = cost(l, false, 0);
    LayerCost moe = m.moe() != null ? cost(l, true, 0) : null;
    LayerCost head = cost(l, false, 1);
    LayerCost emb = cost(l, false, 2);

    // per-layer communication through the cluster
    double tokens = l.microBatch() * (double) job.seq() / l.cp();
    int cpSteps = l.cp() - 1;
    // the ring exchange of K/V: cp-1 sends per layer forward, 2x bytes backward, hidden behind the
    // attention of the chunk already held
    double cpF =
        Math.max(0, cpSteps * (cpStep(l, dense.cpBytes()) - dense.attentionForward() / l.cp()));
    double cpB =
        Math.max(
            0, cpSteps * (cpStep(l, 2 * dense.cpBytes()) - dense.attentionBackward() / l.cp()));
    double a2a =
        moe == null
            ? 0
            : links.collective(Collective.ALL_TO_ALL, l.ep(), l.tp() * l.cp(), moe.a2aBytes());

    // per stage: the first stage holds the embedding, the last the head
    int layers = m.numHiddenLayers();
    double worstF = 0;
    double worstB = 0;
    double worstCompute = 0;
    double worstRecompute = 0;
    double worstTp = 0;
    double worstCp = 0;
    double worstEp = 0;
    for (int k : stagesToCheck(layers, p)) {
      int from = ModelCopy.firstLayer(layers, p, k);
      int to = ModelCopy.firstLayer(layers, p, k + 1);
      double compute = 0;
      double rec = 0;
      double tpc = 0;
      double cpc = 0;
      double epc = 0;
      double f = 0;
      for (int i = from; i < to; i++) {
        LayerSpec ls = m.layers().get(i);
        LayerCost c = ls.moe() && moe != null ? moe : dense;
        double ep = ls.moe() ? 4 * a2a : 0;
        double r =
            switch (l.recompute()) {
              case FULL -> c.forward() + c.tpForward() + cpF + (ls.moe() ? 2 * a2a : 0);
              case SELECTIVE -> job.flashAttention() ? 0 : c.core();
              case NONE -> 0;
            };
        compute += c.forward() + c.backward();
        f += c.forward() + c.tpForward() + cpF + (ls.moe() ? 2 * a2a : 0);
        rec += r;
        tpc += c.tpForward() + c.tpBackward() + (l.recompute() == Recompute.FULL ? 0 : 0);
        cpc += cpF + cpB;
        epc += ep;
      }
      if (k == 0) {
        compute += emb.forward() + emb.backward();
        tpc += emb.tpForward() + emb.tpBackward();
        f += emb.forward() + emb.tpForward();
      }
      if (k == p - 1) {
        compute += head.forward() + head.backward();
        tpc += head.tpForward() + head.tpBackward();
        f += head.forward() + head.tpForward();
      }
      if (l.recompute() == Recompute.FULL) {
        // the recomputed forward repeats the layer's TP collectives; count them as recompute
      }
      double total = compute + rec + tpc + cpc + epc;
      if (total > worstF + worstB) {
        worstF = f;
        worstB = total - f;
        worstCompute = compute;
        worstRecompute = rec;
        worstTp = tpc;
        worstCp = cpc;
        worstEp = epc;
      }
    }
    double perMicroBatch = worstF + worstB;
    double bubble = (p - 1) / (double) v * perMicroBatch;

    // pipeline sends: one activation forward and one gradient backward per micro-batch and stage
    double actBytes = tokens * m.hiddenSize() * 2.0 / (l.sp() && l.tp() > 1 ? l.tp() : 1);
    double pp = p > 1 ? 2 * links.send(l.tp() * l.cp() * l.dp(), actBytes) * (mbs + p - 1) : 0;

    // data-parallel gradient reduction of the first stage's parameters (the largest shard of
    // communication), overlapped with the last micro-batch's backward in buckets
    ModelCopy copy = ModelCopy.trainable(m, job.precision(), l);
    ModelCopy.Params params = copy.params(0);
    double dpTotal = 0;
    double dpExposed = 0;
    int dpGroup = l.shardGroup();
    int stride = l.tp();
    if (dpGroup > 1) {
      Precision pr = job.precision();
      double gradBytes = pr.gradBytes;
      int expertGroup = Math.max(1, dpGroup / l.ep());
      double reduce;
      double gather = 0;
      if (l.zero() == 0) {
        reduce =
            links.collective(Collective.ALL_REDUCE, dpGroup, stride, params.dense() * gradBytes)
                + links.collective(
                    Collective.ALL_REDUCE,
                    expertGroup,
                    stride * l.ep(),
                    params.expert() * gradBytes);
      } else {
        reduce =
            links.collective(Collective.REDUCE_SCATTER, dpGroup, stride, params.dense() * gradBytes)
                + links.collective(
                    Collective.REDUCE_SCATTER,
                    expertGroup,
                    stride * l.ep(),
                    params.expert() * gradBytes);
        gather =
            links.collective(
                    Collective.ALL_GATHER, dpGroup, stride, params.dense() * pr.gatherBytes())
                + links.collective(
                    Collective.ALL_GATHER,
                    expertGroup,
                    stride * l.ep(),
                    params.expert() * pr.gatherBytes());
      }
      double buckets = Math.max(1, Math.ceil(params.total() / BUCKET_PARAMS));
      double lastBackward = worstB;
      if (l.zero() == 3) {
        // FSDP: weights gathered before each micro-batch's forward and backward, gradients
        // reduce-scattered after each backward, prefetched behind the compute
        double perMb = 2 * gather + reduce;
        dpTotal = perMb * mbs;
        dpExposed = mbs * Math.max(0, perMb - perMicroBatch) + gather / buckets + reduce / buckets;
      } else {
        dpTotal = reduce + gather;
        dpExposed = overlapped(reduce, buckets, lastBackward) + overlapped(gather, buckets, worstF);
      }
    }

    // optimizer: Adam over this GPU's shard, memory-bound
    double updated = copy.updatedParams(0);
    double opt = optimizerSeconds(updated);
    if (l.offload()) {
      double pcie =
          gpu.interconnect() == null ? 0 : gpu.interconnect().pcieBytesPerSecondPerDirection();
      opt +=
          pcie > 0
              ? updated * (job.precision().gradBytes + job.precision().gatherBytes()) / pcie
              : 0;
    }

    double compute = mbs * worstCompute;
    double recompute = mbs * worstRecompute;
    double tpAll = mbs * worstTp;
    double cpAll = mbs * worstCp;
    double epAll = mbs * worstEp;
    TrainingPlan.TimeBreakdown time =
        new TrainingPlan.TimeBreakdown(
            compute, recompute, tpAll, cpAll, epAll, pp, bubble, dpExposed, dpTotal, opt);
    double stepSeconds = time.total();

    TrainingPlan.MemoryBreakdown mem = memory(l, mbs);
    double tokensPerStep = job.tokensPerStep();
    double mfu = modelFlopsPerStep() / stepSeconds / ((double) gpus * peakFlops);
    double recFlops =
        switch (l.recompute()) {
          case FULL -> forwardFlopsPerToken * tokensPerStep;
          case SELECTIVE ->
              job.flashAttention() ? 0 : attentionForwardFlopsPerToken * tokensPerStep;
          case NONE -> 0;
        };
    double hfu = (modelFlopsPerStep() + recFlops) / stepSeconds / ((double) gpus * peakFlops);
    return new TrainingPlan(
        l,
        l.label(),
        stepSeconds,
        mem.total(),
        mem.total() <= mem.usableBytes(),
        mfu,
        hfu,
        tokensPerStep / stepSeconds,
        mbs,
        time,
        mem);
  }

  /** The stages that can bind: the first, the last, and a middle one holding an extra layer. */
  static int[] stagesToCheck(int layers, int p) {
    if (p == 1) {
      return new int[] {0};
    }
    if (layers % p != 0 && p > 2) {
      return new int[] {0, 1, p - 1};
    }
    return new int[] {0, p - 1};
  }

  private double cpStep(Layout l, double bytes) {
    return links.send(l.tp(), bytes);
  }

  /**
   * The exposed time of {@code total} seconds of communication in {@code buckets} equal buckets
   * that become ready evenly over {@code window} seconds of compute and go one after another on one
   * stream: the last finishes at {@code max(window + c, window/n + n c)} for bucket time {@code c}.
   */
  static double overlapped(double total, double buckets, double window) {
    if (total <= 0) {
      return 0;
    }
    double c = total / buckets;
    double end = Math.max(window + c, window / buckets + buckets * c);
    return end - window;
  }

  /** The peak memory of the most loaded stage under {@code l} with {@code mbs} micro-batches. */
  public TrainingPlan.MemoryBreakdown memory(Layout l, long mbs) {
    ModelSpec m = job.model();
    int p = l.pp();
    ModelCopy copy = ModelCopy.trainable(m, job.precision(), l);
    TrainingPlan.MemoryBreakdown worst = null;
    int layers = m.numHiddenLayers();
    for (int k : stagesToCheck(layers, p)) {
      ModelCopy.Bytes b = copy.bytes(k);
      int from = ModelCopy.firstLayer(layers, p, k);
      int to = ModelCopy.firstLayer(layers, p, k + 1);
      double denseAct = 0;
      double moeAct = 0;
      double oneLayer = 0;
      for (int i = from; i < to; i++) {
        boolean moe = m.layers().get(i).moe();
        double a =
            ActivationMemory.layerBytes(
                m,
                l.microBatch(),
                job.seq(),
                l.tp(),
                l.cp(),
                l.sp(),
                moe,
                l.recompute(),
                job.flashAttention(),
                job.dropout(),
                job.precision(),
                job.execution());
        oneLayer = Math.max(oneLayer, a);
        if (moe) {
          moeAct += a;
        } else {
          denseAct += a;
        }
      }
      double perMb = denseAct + moeAct;
      if (l.recompute() == Recompute.FULL) {
        perMb =
            (to - from)
                * ActivationMemory.checkpointBytes(
                    m, l.microBatch(), job.seq(), l.tp(), l.cp(), l.sp());
      }
      // micro-batches in flight on stage k under 1F1B: p - k (at most m); interleaved: the first
      // stage holds (1 + (p-1)/(p v)) times the 1F1B amount (Narayanan et al. 2021; Korthikanti et
      // al. 2022, section 4.2.3)
      double inFlight = Math.min(mbs, p - k);
      if (l.vpp() > 1) {
        inFlight *= 1 + (p - 1) / ((double) p * l.vpp());
      }
      double act = perMb * inFlight;
      if (l.recompute() == Recompute.FULL) {
        act += oneLayer; // the recomputed layer during its backward
      }
      double tokens = l.microBatch() * (double) job.seq() / l.cp();
      double logits = 0;
      if (k == p - 1) {
        logits =
            ActivationMemory.logitsBytes(
                m, l.microBatch(), job.seq(), l.tp(), l.cp(), job.chunkedLoss(), job.execution());
        // the final norm's input and the logits GEMM's input
        logits += tokens * 4.0 * m.hiddenSize() / (l.sp() && l.tp() > 1 ? l.tp() : 1);
      }
      double buffers = 0;
      if (l.zero() == 3) {
        // two layers' weights gathered (the one running and the one prefetched)
        ModelCopy.Params pr = copy.params(k);
        buffers += 2 * pr.total() / Math.max(1, to - from) * job.precision().gatherBytes();
      }
      if (job.precision() == Precision.AMP) {
        // autocast's bf16 copies of the stage's weights, saved for the backward per micro-batch
        buffers += copy.params(k).total() * 2 * Math.min(inFlight, 1);
      }
      double allocated = b.total() + act + logits + buffers;
      TrainingPlan.MemoryBreakdown mb =
          new TrainingPlan.MemoryBreakdown(
              b.weights(),
              b.gradients(),
              b.optimizer(),
              act,
              logits,
              buffers,
              allocated * ALLOCATOR_OVERHEAD,
              k,
              capacity - RESERVED_BYTES);
      if (worst == null || mb.total() > worst.total()) {
        worst = mb;
      }
    }
    return worst;
  }
}
