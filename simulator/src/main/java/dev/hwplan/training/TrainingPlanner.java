package dev.hwplan.training;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.model.FlopCounter;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.op.Collective;
import dev.hwplan.op.OpGraph;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TrainingStep;

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
  private final LongMap<LayerCost> costs = new LongMap<>();
  private boolean atMost;

  // the model's parameters by part (per layer, before TP), precomputed
  private final int layers;
  private final int[] moePrefix;
  private final double attnSplit;
  private final double attnReplicated;
  private final double denseMlp;
  private final double sharedMlp;
  private final double routedAll;
  private final double router;
  private final double embedding;
  private final double head;
  private final double finalNorm;
  private final double optimizerLatency;
  private final double optimizerPerParam;

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
    this.layers = m.numHiddenLayers();
    this.moePrefix = new int[layers + 1];
    for (int i = 0; i < layers; i++) {
      moePrefix[i + 1] = moePrefix[i] + (m.layers().get(i).moe() ? 1 : 0);
    }
    long d = m.hiddenSize();
    double normSize = m.architecture().rmsNorm() ? d : 2.0 * d;
    long replicated = ParameterCounter.replicatedAttentionParams(m);
    this.attnSplit = ParameterCounter.attentionParams(m) - replicated;
    this.attnReplicated = replicated + m.architecture().normsPerLayer() * normSize;
    boolean gated = m.architecture().gatedMlp();
    this.denseMlp = (gated ? 3.0 : 2.0) * d * m.intermediateSize();
    if (m.moe() != null) {
      double one = (gated ? 3.0 : 2.0) * d * m.moe().moeIntermediateSize();
      this.sharedMlp = m.moe().nSharedExperts() * one;
      this.routedAll = m.moe().nRoutedExperts() * one;
      this.router = m.moe().nRoutedExperts() * (double) d;
    } else {
      this.sharedMlp = 0;
      this.routedAll = 0;
      this.router = 0;
    }
    var count = ParameterCounter.count(m);
    this.embedding = count.embedding();
    this.head = count.outputHead();
    this.finalNorm = normSize;
    double probe = 1e9;
    this.optimizerLatency = optimizerSeconds(0);
    this.optimizerPerParam = (optimizerSeconds(probe) - optimizerLatency) / probe;
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

  /**
   * Lets layouts use fewer GPUs than {@link #gpus()} (a search "on up to N GPUs", as Calculon's
   * optimal-execution search): the limit becomes a ceiling.
   */
  public TrainingPlanner atMost(boolean on) {
    this.atMost = on;
    return this;
  }

  public boolean atMost() {
    return atMost;
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

  /**
   * One layer kind's costs for one micro-batch: seconds of compute and TP communication, the CP and
   * EP bytes, and the activation bytes it keeps.
   */
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
      int backwardKernels,
      double actNone,
      double actSelective,
      double checkpoint,
      double logits) {}

  private LayerCost cost(int tp, int cp, int mb, boolean sp, int ep, boolean moe, int kind) {
    long key =
        (((((((long) tp * 64 + cp) * 4096 + mb) * 2 + (sp ? 1 : 0)) * 1024 + ep) * 2
                    + (moe ? 1 : 0))
                * 4)
            + kind;
    LayerCost c = costs.get(key);
    if (c == null) {
      c = computeCost(tp, cp, mb, sp, ep, moe, kind);
      costs.put(key, c);
    }
    return c;
  }

  private LayerCost computeCost(int tp, int cp, int mb, boolean sp, int ep, boolean moe, int kind) {
    TrainingStep.Shape s =
        new TrainingStep.Shape(
            mb,
            job.seq(),
            tp,
            cp,
            ep,
            sp,
            job.flashAttention(),
            job.dropout(),
            job.precision().linearDtype);
    TrainingStep.LayerOps ops =
        switch (kind) {
          case 0 -> TrainingStep.layer(step.config(), s, moe, job.execution());
          case 1 -> TrainingStep.head(step.config(), s, job.execution());
          default -> TrainingStep.embedding(step.config(), s);
        };
    // FlashAttention forward and backward are timed by the step model's calibrated
    // prefill-attention model (issue 15; SDPA flash in eager, cuDNN when fused)
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
    double f = step.time(ops.forward()).seconds();
    double b = step.time(ops.backward()).seconds();
    if (kind == 0 && job.precision() == Precision.AMP) {
      // autocast casts each fp32 weight to bf16 in the forward (read 4, write 2 bytes) and the
      // bf16 weight gradient is cast into the fp32 .grad in the backward (read 2, write 4)
      double p = layerParams(tp, ep, moe);
      int weights = 4;
      f += step.time(TrainingStep.elementwise("autocast.weights", 4 * p, 2 * p, weights)).seconds();
      b += step.time(TrainingStep.elementwise("autocast.grads", 2 * p, 4 * p, weights)).seconds();
    }
    ModelSpec m = job.model();
    double actNone = 0;
    double actSel = 0;
    double checkpoint = 0;
    double logits = 0;
    if (kind == 0) {
      actNone =
          ActivationMemory.layerBytes(
              m,
              mb,
              job.seq(),
              tp,
              cp,
              sp,
              moe,
              Recompute.NONE,
              job.flashAttention(),
              job.dropout(),
              job.precision(),
              job.execution());
      actSel =
          ActivationMemory.layerBytes(
              m,
              mb,
              job.seq(),
              tp,
              cp,
              sp,
              moe,
              Recompute.SELECTIVE,
              job.flashAttention(),
              job.dropout(),
              job.precision(),
              job.execution());
      checkpoint = ActivationMemory.checkpointBytes(m, mb, job.seq(), tp, cp, sp);
    } else if (kind == 1) {
      double tokens = mb * (double) job.seq() / cp;
      logits =
          ActivationMemory.logitsBytes(m, mb, job.seq(), tp, cp, job.chunkedLoss(), job.execution())
              // the final norm's input and the logits GEMM's input
              + tokens * 4.0 * m.hiddenSize() / (sp && tp > 1 ? tp : 1);
    }
    return new LayerCost(
        f,
        b,
        step.time(ops.attentionCore()).seconds(),
        tp(ops.forwardComm(), tp),
        tp(ops.backwardComm(), tp),
        ops.cpExchangeBytes(),
        attF,
        attB,
        ops.epAllToAllBytes(),
        kernels(ops.forward()),
        kernels(ops.backward()),
        actNone,
        actSel,
        checkpoint,
        logits);
  }

  /** One layer's parameters on one GPU (dense and MoE layers differ). */
  private double layerParams(int tp, int ep, boolean moe) {
    double p = attnSplit / tp + attnReplicated;
    if (moe) {
      return p + sharedMlp / tp + router + routedAll / ((double) ep * tp);
    }
    return p + denseMlp / tp;
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
  private double tp(OpGraph g, int tp) {
    if (tp <= links.gpusPerNode()) {
      return step.time(g).seconds();
    }
    double t = 0;
    for (var op : g.ops()) {
      var shape = (dev.hwplan.op.OpShape.Comm) op.shape();
      t += op.count() * links.collective(shape.collective(), tp, 1, shape.bytes());
    }
    return t;
  }

  /** The dense layer's costs for one micro-batch under {@code l} (for the validation tests). */
  LayerCost denseLayer(Layout l) {
    return cost(l.tp(), l.cp(), l.microBatch(), l.sp(), l.ep(), false, 0);
  }

  /** The head's costs (final norm, logits, cross-entropy) for one micro-batch under {@code l}. */
  LayerCost headCost(Layout l) {
    return cost(l.tp(), l.cp(), l.microBatch(), l.sp(), l.ep(), false, 1);
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

  // ---- validity ----

  /** Why a layout cannot run, as a code (0: it can); {@link #reason} words it. */
  static final int OK = 0;

  static final int HEADS = 1;
  static final int KV_HEADS = 2;
  static final int GPUS = 3;
  static final int PP_LAYERS = 4;
  static final int VPP_LAYERS = 5;
  static final int VPP_PP = 6;
  static final int SEQ_CP = 7;
  static final int EP_DENSE = 8;
  static final int EP_EXPERTS = 9;
  static final int EP_DP = 10;
  static final int BATCH = 11;
  static final int INTERLEAVED_BATCH = 12;

  /** The reasons' kinds, as the search counts them (by code). */
  static final String[] KINDS = {
    "",
    "heads not divisible by TP",
    "KV heads not divisible by TP",
    "layout not the GPU count",
    "PP above the layers",
    "layers not divisible by PP x VPP",
    "VPP without PP",
    "sequence not divisible by 2 x CP",
    "EP for a dense model",
    "EP does not divide the experts",
    "EP does not divide DP x CP",
    "batch not divisible by DP x micro-batch",
    "micro-batches not a multiple of PP (interleaved)"
  };

  int invalidCode(int tp, int pp, int dp, int cp, int ep, int vpp, int mb) {
    ModelSpec m = job.model();
    if (m.numAttentionHeads() % tp != 0) {
      return HEADS;
    }
    int kv = m.numKeyValueHeads();
    if (m.mla() == null && kv % tp != 0 && tp % kv != 0) {
      return KV_HEADS;
    }
    long used = (long) tp * pp * dp * cp;
    if (atMost ? used > gpus : used != gpus) {
      return GPUS;
    }
    if (pp > layers) {
      return PP_LAYERS;
    }
    if (vpp > 1 && pp == 1) {
      return VPP_PP;
    }
    if (vpp > 1 && layers % (pp * vpp) != 0) {
      return VPP_LAYERS;
    }
    if (cp > 1 && job.seq() % (2L * cp) != 0) {
      return SEQ_CP;
    }
    if (ep > 1) {
      if (m.moe() == null) {
        return EP_DENSE;
      }
      if (m.moe().nRoutedExperts() % ep != 0) {
        return EP_EXPERTS;
      }
      if ((dp * cp) % ep != 0) {
        return EP_DP;
      }
    }
    if (job.globalBatch() % ((long) dp * mb) != 0) {
      return BATCH;
    }
    if (vpp > 1 && (job.globalBatch() / ((long) dp * mb)) % pp != 0) {
      return INTERLEAVED_BATCH;
    }
    return OK;
  }

  /** Why {@code l} cannot run {@code job} on this cluster, or null when it can. */
  public String invalid(Layout l) {
    int code = invalidCode(l.tp(), l.pp(), l.dp(), l.cp(), l.ep(), l.vpp(), l.microBatch());
    return code == OK ? null : reason(code, l);
  }

  String reason(int code, Layout l) {
    ModelSpec m = job.model();
    return switch (code) {
      case HEADS ->
          "TP " + l.tp() + " does not divide the " + m.numAttentionHeads() + " attention heads";
      case KV_HEADS ->
          "TP "
              + l.tp()
              + " neither divides nor is a multiple of the "
              + m.numKeyValueHeads()
              + " KV heads";
      case GPUS ->
          "layout uses "
              + l.gpus()
              + " GPUs (tp x pp x dp x cp), "
              + (atMost ? "more than " : "not ")
              + gpus;
      case PP_LAYERS -> "PP " + l.pp() + " exceeds the " + layers + " layers";
      case VPP_PP -> "VPP needs PP > 1";
      case VPP_LAYERS ->
          "layers not divisible by PP x VPP ("
              + layers
              + " layers, "
              + l.pp()
              + " x "
              + l.vpp()
              + ")";
      case SEQ_CP ->
          "sequence " + job.seq() + " not divisible by 2 x CP " + l.cp() + " (load-balanced split)";
      case EP_DENSE -> "EP " + l.ep() + " for a dense model";
      case EP_EXPERTS ->
          "EP " + l.ep() + " does not divide the " + m.moe().nRoutedExperts() + " experts";
      case EP_DP -> "EP " + l.ep() + " does not divide DP x CP " + l.shardGroup();
      case BATCH ->
          "global batch "
              + job.globalBatch()
              + " not divisible by DP x micro-batch "
              + ((long) l.dp() * l.microBatch());
      case INTERLEAVED_BATCH ->
          "interleaved schedule needs micro-batches ("
              + job.globalBatch() / ((long) l.dp() * l.microBatch())
              + ") a multiple of PP "
              + l.pp();
      default -> throw new IllegalArgumentException("code " + code);
    };
  }

  // ---- evaluation ----

  /**
   * Indices of {@link #evaluate(int, int, int, int, int, int, boolean, int, int, Recompute,
   * boolean, double[])}'s output.
   */
  static final int STEP = 0;

  static final int PEAK = 1;
  static final int COMPUTE = 2;
  static final int RECOMPUTE = 3;
  static final int TP_COMM = 4;
  static final int CP_COMM = 5;
  static final int EP_COMM = 6;
  static final int PP_COMM = 7;
  static final int BUBBLE = 8;
  static final int DP_COMM = 9;
  static final int DP_TOTAL = 10;
  static final int OPTIMIZER = 11;
  static final int WEIGHTS = 12;
  static final int GRADIENTS = 13;
  static final int OPT_STATE = 14;
  static final int ACTIVATIONS = 15;
  static final int LOGITS = 16;
  static final int BUFFERS = 17;
  static final int ALLOCATOR = 18;
  static final int STAGE = 19;
  static final int MICRO_BATCHES = 20;
  static final int SLOTS = 21;

  /**
   * Evaluates {@code l}; throws {@link IllegalArgumentException} with {@link #invalid}'s reason
   * when the layout cannot run.
   */
  public TrainingPlan evaluate(Layout l) {
    String why = invalid(l);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    double[] o = new double[SLOTS];
    evaluate(
        l.tp(),
        l.pp(),
        l.dp(),
        l.cp(),
        l.ep(),
        l.vpp(),
        l.sp(),
        l.microBatch(),
        l.zero(),
        l.recompute(),
        l.offload(),
        o);
    return plan(l, o);
  }

  /** The plan of {@code l} from its evaluated slots. */
  TrainingPlan plan(Layout l, double[] o) {
    TrainingPlan.TimeBreakdown time =
        new TrainingPlan.TimeBreakdown(
            o[COMPUTE],
            o[RECOMPUTE],
            o[TP_COMM],
            o[CP_COMM],
            o[EP_COMM],
            o[PP_COMM],
            o[BUBBLE],
            o[DP_COMM],
            o[DP_TOTAL],
            o[OPTIMIZER]);
    TrainingPlan.MemoryBreakdown mem = memoryOf(o);
    double stepSeconds = o[STEP];
    double tokensPerStep = job.tokensPerStep();
    double used = l.gpus();
    double mfu = modelFlopsPerStep() / stepSeconds / (used * peakFlops);
    double recFlops =
        switch (l.recompute()) {
          case FULL -> forwardFlopsPerToken * tokensPerStep;
          case SELECTIVE ->
              job.flashAttention() ? 0 : attentionForwardFlopsPerToken * tokensPerStep;
          case NONE -> 0;
        };
    double hfu = (modelFlopsPerStep() + recFlops) / stepSeconds / (used * peakFlops);
    return new TrainingPlan(
        l,
        stepSeconds,
        mem.total(),
        mem.total() <= mem.usableBytes(),
        mfu,
        hfu,
        tokensPerStep / stepSeconds,
        (long) o[MICRO_BATCHES],
        time,
        mem);
  }

  private TrainingPlan.MemoryBreakdown memoryOf(double[] o) {
    return new TrainingPlan.MemoryBreakdown(
        o[WEIGHTS],
        o[GRADIENTS],
        o[OPT_STATE],
        o[ACTIVATIONS],
        o[LOGITS],
        o[BUFFERS],
        o[ALLOCATOR],
        (int) o[STAGE],
        usableBytes());
  }

  /** The GPU's memory less the framework's reserve. */
  public double usableBytes() {
    return capacity - RESERVED_BYTES;
  }

  /** The peak memory of the most loaded stage under {@code l} with {@code mbs} micro-batches. */
  public TrainingPlan.MemoryBreakdown memory(Layout l, long mbs) {
    double[] o = new double[SLOTS];
    memory(
        l.tp(),
        l.pp(),
        l.dp(),
        l.cp(),
        l.ep(),
        l.vpp(),
        l.sp(),
        l.microBatch(),
        l.zero(),
        l.recompute(),
        l.offload(),
        mbs,
        o);
    return memoryOf(o);
  }

  /**
   * The evaluation without allocation (once the layer costs of this TP, CP, micro-batch, SP and EP
   * are known): {@code o} receives the step time, its breakdown, the peak memory and its breakdown
   * at the indices above. The layout must be valid ({@link #invalidCode} 0).
   */
  void evaluate(
      int tp,
      int pp,
      int dp,
      int cp,
      int ep,
      int vpp,
      boolean sp,
      int mb,
      int zero,
      Recompute rec,
      boolean offload,
      double[] o) {
    ModelSpec m = job.model();
    boolean spOn = sp && tp > 1;
    long mbs = job.globalBatch() / ((long) dp * mb);
    LayerCost dense = cost(tp, cp, mb, spOn, ep, false, 0);
    LayerCost moe = m.moe() != null ? cost(tp, cp, mb, spOn, ep, true, 0) : dense;
    LayerCost headC = cost(tp, cp, mb, spOn, ep, false, 1);
    LayerCost emb = cost(tp, cp, mb, spOn, ep, false, 2);

    // the ring exchange of K/V: cp-1 sends per layer forward, twice the bytes backward, hidden
    // behind the attention of the chunk already held
    int cpSteps = cp - 1;
    double cpF =
        cpSteps == 0
            ? 0
            : Math.max(
                0, cpSteps * (links.send(tp, dense.cpBytes()) - dense.attentionForward() / cp));
    double cpB =
        cpSteps == 0
            ? 0
            : Math.max(
                0,
                cpSteps * (links.send(tp, 2 * dense.cpBytes()) - dense.attentionBackward() / cp));
    double a2a =
        m.moe() == null ? 0 : links.collective(Collective.ALL_TO_ALL, ep, tp * cp, moe.a2aBytes());

    boolean full = rec == Recompute.FULL;
    double recDense = recomputeOf(dense, rec, cpF, 0);
    double recMoe = recomputeOf(moe, rec, cpF, a2a);
    double fDense = dense.forward() + dense.tpForward() + cpF;
    double fMoe = moe.forward() + moe.tpForward() + cpF + 2 * a2a;

    double worstF = 0;
    double worstB = 0;
    double worstCompute = 0;
    double worstRecompute = 0;
    double worstTp = 0;
    double worstCp = 0;
    double worstEp = 0;
    int p = pp;
    for (int pass = 0; pass < 3; pass++) {
      int k = pass == 0 ? 0 : pass == 1 ? p - 1 : 1;
      if ((pass == 1 && p == 1) || (pass == 2 && (p <= 2 || layers % p == 0))) {
        continue;
      }
      int from = ModelCopy.firstLayer(layers, p, k);
      int to = ModelCopy.firstLayer(layers, p, k + 1);
      int n = to - from;
      int nMoe = moePrefix[to] - moePrefix[from];
      int nDense = n - nMoe;
      double compute =
          nDense * (dense.forward() + dense.backward()) + nMoe * (moe.forward() + moe.backward());
      double recomputed = nDense * recDense + nMoe * recMoe;
      double tpc =
          nDense * (dense.tpForward() + dense.tpBackward())
              + nMoe * (moe.tpForward() + moe.tpBackward());
      double cpc = n * (cpF + cpB);
      double epc = nMoe * 4 * a2a;
      double f = nDense * fDense + nMoe * fMoe;
      if (k == 0) {
        compute += emb.forward() + emb.backward();
        tpc += emb.tpForward() + emb.tpBackward();
        f += emb.forward() + emb.tpForward();
      }
      if (k == p - 1) {
        compute += headC.forward() + headC.backward();
        tpc += headC.tpForward() + headC.tpBackward();
        f += headC.forward() + headC.tpForward();
      }
      double total = compute + recomputed + tpc + cpc + epc;
      if (total > worstF + worstB) {
        worstF = f;
        worstB = total - f;
        worstCompute = compute;
        worstRecompute = recomputed;
        worstTp = tpc;
        worstCp = cpc;
        worstEp = epc;
      }
    }
    double perMicroBatch = worstF + worstB;
    double bubble = (p - 1) / (double) vpp * perMicroBatch;

    // pipeline sends: one activation forward and one gradient backward per micro-batch and stage
    double tokens = mb * (double) job.seq() / cp;
    double actBytes = tokens * m.hiddenSize() * 2.0 / (spOn ? tp : 1);
    double ppc = p > 1 ? 2 * links.send(tp * cp * dp, actBytes) * (mbs + p - 1) : 0;

    // data-parallel reduction of the first stage's gradients, overlapped with the last
    // micro-batch's backward in buckets
    double stageDense = stageDense(0, tp, pp);
    double stageExpert = stageExpert(0, tp, pp, ep);
    int dpGroup = dp * cp;
    double dpTotal = 0;
    double dpExposed = 0;
    if (dpGroup > 1) {
      Precision pr = job.precision();
      int expertGroup = Math.max(1, dpGroup / ep);
      double reduce;
      double gather = 0;
      if (zero == 0) {
        reduce =
            links.collective(Collective.ALL_REDUCE, dpGroup, tp, stageDense * pr.gradBytes)
                + links.collective(
                    Collective.ALL_REDUCE, expertGroup, tp * ep, stageExpert * pr.gradBytes);
      } else {
        reduce =
            links.collective(Collective.REDUCE_SCATTER, dpGroup, tp, stageDense * pr.gradBytes)
                + links.collective(
                    Collective.REDUCE_SCATTER, expertGroup, tp * ep, stageExpert * pr.gradBytes);
        gather =
            links.collective(Collective.ALL_GATHER, dpGroup, tp, stageDense * pr.gatherBytes())
                + links.collective(
                    Collective.ALL_GATHER, expertGroup, tp * ep, stageExpert * pr.gatherBytes());
      }
      double buckets = Math.max(1, Math.ceil((stageDense + stageExpert) / BUCKET_PARAMS));
      if (zero == 3) {
        // FSDP: weights gathered before each micro-batch's forward and backward, gradients
        // reduce-scattered after each backward, prefetched behind the compute
        double perMb = 2 * gather + reduce;
        dpTotal = perMb * mbs;
        dpExposed = mbs * Math.max(0, perMb - perMicroBatch) + gather / buckets + reduce / buckets;
      } else {
        dpTotal = reduce + gather;
        dpExposed =
            job.overlapGradReduce()
                ? overlapped(reduce, buckets, worstB) + overlapped(gather, buckets, worstF)
                : dpTotal;
      }
    }

    // optimizer: Adam over this GPU's shard, memory-bound
    double updated =
        zero >= 1
            ? stageDense / dpGroup + stageExpert / Math.max(1, dpGroup / (double) ep)
            : stageDense + stageExpert;
    double opt = optimizerLatency + optimizerPerParam * updated;
    if (offload) {
      double pcie =
          gpu.interconnect() == null ? 0 : gpu.interconnect().pcieBytesPerSecondPerDirection();
      Precision pr = job.precision();
      opt += pcie > 0 ? updated * (pr.gradBytes + pr.gatherBytes()) / pcie : 0;
    }

    o[COMPUTE] = mbs * worstCompute;
    o[RECOMPUTE] = mbs * worstRecompute;
    o[TP_COMM] = mbs * worstTp;
    o[CP_COMM] = mbs * worstCp;
    o[EP_COMM] = mbs * worstEp;
    o[PP_COMM] = ppc;
    o[BUBBLE] = bubble;
    o[DP_COMM] = dpExposed;
    o[DP_TOTAL] = dpTotal;
    o[OPTIMIZER] = opt;
    o[STEP] =
        o[COMPUTE]
            + o[RECOMPUTE]
            + o[TP_COMM]
            + o[CP_COMM]
            + o[EP_COMM]
            + o[PP_COMM]
            + o[BUBBLE]
            + o[DP_COMM]
            + o[OPTIMIZER];
    o[MICRO_BATCHES] = mbs;
    memory(tp, pp, dp, cp, ep, vpp, sp, mb, zero, rec, offload, mbs, o);
  }

  private static double recomputeOf(LayerCost c, Recompute rec, double cpF, double a2a) {
    return switch (rec) {
      case FULL -> c.forward() + c.tpForward() + cpF + 2 * a2a;
      case SELECTIVE -> c.core();
      case NONE -> 0;
    };
  }

  /** Dense (data-parallel sharded) parameters on one GPU of stage {@code k}. */
  private double stageDense(int k, int tp, int pp) {
    int from = ModelCopy.firstLayer(layers, pp, k);
    int to = ModelCopy.firstLayer(layers, pp, k + 1);
    int n = to - from;
    int nMoe = moePrefix[to] - moePrefix[from];
    double d =
        n * (attnSplit / tp + attnReplicated)
            + (n - nMoe) * denseMlp / tp
            + nMoe * (sharedMlp / tp + router);
    if (k == 0) {
      d += embedding / tp;
    }
    if (k == pp - 1) {
      double h = head;
      if (job.model().tieWordEmbeddings() && pp > 1) {
        h = (double) job.model().vocabSize() * job.model().hiddenSize();
      }
      d += h / tp + finalNorm;
    }
    return d;
  }

  /** Routed-expert parameters on one GPU of stage {@code k}. */
  private double stageExpert(int k, int tp, int pp, int ep) {
    int from = ModelCopy.firstLayer(layers, pp, k);
    int to = ModelCopy.firstLayer(layers, pp, k + 1);
    return (moePrefix[to] - moePrefix[from]) * routedAll / ((double) ep * tp);
  }

  /** The peak memory of the most loaded stage into {@code o}'s memory slots. */
  private void memory(
      int tp,
      int pp,
      int dp,
      int cp,
      int ep,
      int vpp,
      boolean sp,
      int mb,
      int zero,
      Recompute rec,
      boolean offload,
      long mbs,
      double[] o) {
    ModelSpec m = job.model();
    boolean spOn = sp && tp > 1;
    LayerCost dense = cost(tp, cp, mb, spOn, ep, false, 0);
    LayerCost moe = m.moe() != null ? cost(tp, cp, mb, spOn, ep, true, 0) : dense;
    LayerCost headC = cost(tp, cp, mb, spOn, ep, false, 1);
    Precision pr = job.precision();
    double denseShard = dp * cp;
    double expertShard = Math.max(1, dp * cp / (double) ep);
    double worst = -1;
    for (int pass = 0; pass < 3; pass++) {
      int k = pass == 0 ? 0 : pass == 1 ? pp - 1 : 1;
      if ((pass == 1 && pp == 1) || (pass == 2 && (pp <= 2 || layers % pp == 0))) {
        continue;
      }
      int from = ModelCopy.firstLayer(layers, pp, k);
      int to = ModelCopy.firstLayer(layers, pp, k + 1);
      int n = to - from;
      int nMoe = moePrefix[to] - moePrefix[from];
      int nDense = n - nMoe;
      double pd = stageDense(k, tp, pp);
      double pe = stageExpert(k, tp, pp, ep);
      double w =
          zero >= 3
              ? pd * pr.weightBytes / denseShard + pe * pr.weightBytes / expertShard
              : (pd + pe) * pr.weightBytes;
      double g =
          zero >= 2
              ? pd * pr.gradBytes / denseShard + pe * pr.gradBytes / expertShard
              : (pd + pe) * pr.gradBytes;
      double os =
          offload
              ? 0
              : zero >= 1
                  ? pd * pr.optimizerBytes / denseShard + pe * pr.optimizerBytes / expertShard
                  : (pd + pe) * pr.optimizerBytes;
      double layerDense = rec == Recompute.SELECTIVE ? dense.actSelective() : dense.actNone();
      double layerMoe = rec == Recompute.SELECTIVE ? moe.actSelective() : moe.actNone();
      double perMb = nDense * layerDense + nMoe * layerMoe;
      double oneLayer = Math.max(nDense > 0 ? dense.actNone() : 0, nMoe > 0 ? moe.actNone() : 0);
      if (rec == Recompute.FULL) {
        perMb = n * dense.checkpoint();
      }
      // micro-batches in flight on stage k under 1F1B: p - k (at most m); interleaved: the first
      // stage holds (1 + (p-1)/(p v)) times the 1F1B amount (Narayanan et al. 2021; Korthikanti et
      // al. 2022, section 4.2.3)
      double inFlight = Math.min(mbs, pp - k);
      if (vpp > 1) {
        inFlight *= 1 + (pp - 1) / ((double) pp * vpp);
      }
      double act = perMb * inFlight;
      if (rec == Recompute.FULL) {
        act += oneLayer; // the recomputed layer during its backward
      }
      double logits = k == pp - 1 ? headC.logits() : 0;
      double buffers = 0;
      if (zero == 3) {
        // two layers' weights gathered (the one running and the one prefetched)
        buffers += 2 * (pd + pe) / Math.max(1, n) * pr.gatherBytes();
      }
      if (pr == Precision.AMP) {
        // autocast's bf16 copies of the stage's weights, saved for the backward
        buffers += (pd + pe) * 2;
      }
      double allocated = w + g + os + act + logits + buffers;
      if (job.execution() == Execution.EAGER) {
        // plain PyTorch frees the gradients (zero_grad(set_to_none)) and creates them in the
        // backward as the activations go: the peak is the end of the forward (one layer's
        // gradients besides) or the for-each Adam step, which holds one temporary of the state's
        // element size per parameter
        double temp = (pd + pe) * (pr == Precision.BF16 ? 2 : 4);
        allocated =
            Math.max(w + os + act + logits + buffers + g / Math.max(1, n), w + g + os + temp);
      }
      double total = allocated * (1 + ALLOCATOR_OVERHEAD);
      if (total > worst) {
        worst = total;
        o[WEIGHTS] = w;
        o[GRADIENTS] = g;
        o[OPT_STATE] = os;
        o[ACTIVATIONS] = act;
        o[LOGITS] = logits;
        o[BUFFERS] = buffers;
        o[ALLOCATOR] = allocated * ALLOCATOR_OVERHEAD;
        o[STAGE] = k;
      }
    }
    o[PEAK] = worst;
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
}
