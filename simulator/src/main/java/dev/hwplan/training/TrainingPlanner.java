package dev.hwplan.training;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.model.FlopCounter;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Collective;
import dev.hwplan.step.StepModel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
 * layouts, so that evaluating a layout is arithmetic. A {@link TrainingPlan} says what its time
 * rests on ({@link TrainingPlan#notes}): the notes are gathered once per plan made, not per layout
 * searched. Not thread-safe: a planner plans on one thread.
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
  private final StepModel step;
  private final ClusterLinks links;
  private final double peakFlops;
  private final double capacity;
  private final double modelFlopsPerToken;
  private final double forwardFlopsPerToken;
  private final double attentionForwardFlopsPerToken;
  private final StageParams params;
  private final int layers;
  private final LayerCosts costs;
  private final StageMemory stageMemory;
  private final DataParallelSync dpSync;
  private LayoutValidity validity;
  private final OptimizerStep optimizer;

  /**
   * A planner for {@code job} on {@code gpus} GPUs of {@code gpu} in nodes of {@code cluster}, with
   * op times from {@code step} (a step model of the same GPU; its configuration is not used).
   */
  public TrainingPlanner(
      TrainingJob job, GpuProfile gpu, ClusterProfile cluster, int gpus, StepModel step) {
    this.job = job;
    this.gpu = gpu;
    this.cluster = cluster;
    this.step = step;
    this.links = new ClusterLinks(cluster, step);
    this.peakFlops = gpu.peakFlops(DType.BF16).orElseThrow();
    this.capacity = gpu.memory().capacityBytes();
    ModelSpec m = job.model();
    this.modelFlopsPerToken = FlopCounter.trainingFlopsPerToken(m, job.seq());
    this.attentionForwardFlopsPerToken =
        (modelFlopsPerToken - 3 * FlopCounter.matmulFlopsPerToken(m)) / 3;
    this.forwardFlopsPerToken = modelFlopsPerToken / 3;
    this.params = new StageParams(m);
    this.layers = params.layers;
    this.costs = new LayerCosts(job, step, links, params);
    this.stageMemory = new StageMemory(job, costs, params);
    this.dpSync = new DataParallelSync(job, links);
    this.validity = new LayoutValidity(job, gpus, false);
    this.optimizer = OptimizerStep.of(job, gpu, step);
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
    this.validity = new LayoutValidity(job, validity.gpus(), on);
    return this;
  }

  /** Whether layouts may use fewer GPUs than {@link #gpus()} ({@link #atMost(boolean)}). */
  public boolean atMost() {
    return validity.atMost();
  }

  /** The job planned. */
  public TrainingJob job() {
    return job;
  }

  /** The GPUs a layout uses (with {@link #atMost()}: at most). */
  public int gpus() {
    return validity.gpus();
  }

  /** The GPU. */
  public GpuProfile gpu() {
    return gpu;
  }

  /** The cluster whose nodes hold the GPUs. */
  public ClusterProfile cluster() {
    return cluster;
  }

  /** Model FLOPs of one step: {@link FlopCounter#trainingFlopsPerToken} times its tokens. */
  public double modelFlopsPerStep() {
    return modelFlopsPerToken * job.tokensPerStep();
  }

  /** The dense layer's costs for one micro-batch under {@code l} (for the validation tests). */
  LayerCost denseLayer(Layout l) {
    return costs.get(l.tp(), l.cp(), l.microBatch(), l.sp(), l.ep(), false, 0);
  }

  /** The head's costs (final norm, logits, cross-entropy) for one micro-batch under {@code l}. */
  LayerCost headCost(Layout l) {
    return costs.get(l.tp(), l.cp(), l.microBatch(), l.sp(), l.ep(), false, 1);
  }

  /** The optimizer update of {@code params} parameters, seconds ({@link OptimizerStep}). */
  double optimizerSeconds(double params) {
    return OptimizerStep.seconds(job, step, params);
  }

  /** {@link LayoutValidity#code}: why a layout cannot run, as a code (0: it can). */
  int invalidCode(LayoutCursor l) {
    return validity.code(l);
  }

  /** Why {@code l} cannot run {@code job} on this cluster, or null when it can. */
  public String invalid(Layout l) {
    int code = invalidCode(new LayoutCursor().set(l));
    return code == LayoutValidity.OK ? null : reason(code, l);
  }

  String reason(int code, Layout l) {
    return validity.reason(code, l);
  }

  // ---- evaluation ----

  /** Indices of {@link #evaluate(LayoutCursor, boolean, double[])}'s output. */
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
  static final int OVERLAP = 21;
  static final int SLOTS = 22;

  /**
   * The share of the hidden data-parallel communication time by which the compute behind it slows:
   * 0.19. NCCL's kernels run on SMs of their own and share the memory bandwidth, so a GEMM that
   * overlaps a collective runs slower than alone. Published, not measured here (a single GPU cannot
   * run a collective): Lee et al. 2025 ("Characterizing Compute-Communication Overlap in
   * GPU-Accelerated Distributed Deep Learning", arXiv 2507.03114) measure an average compute
   * slowdown of 18.9% (at most 40.0%) under overlap on 4 x A100, 4 x H100, MI250 and MI210 running
   * GPT and Llama training; PyTorch's maintainers state 30-40% for matmuls overlapped by NCCL
   * collectives on 8 x H100 (pytorch/pytorch pull request 179937), and a 8192^3 fp16 matmul beside
   * a 64 MiB all-gather on 8 x H100 ran 2.02 ms against 1.77 ms beside copy-engine collectives
   * (pull request 172714, about 14%). The study's average is taken.
   */
  public static final double OVERLAP_COMPUTE_SLOWDOWN = 0.19;

  /** The note of a layout whose compute hides data-parallel communication. */
  static final String OVERLAP_NOTE =
      String.format(
          java.util.Locale.ROOT,
          "compute behind overlapped data-parallel communication runs %.0f%% of the hidden time"
              + " slower (NCCL's kernels share the SMs and memory; published figures, not"
              + " measured here)",
          100 * OVERLAP_COMPUTE_SLOWDOWN);

  /**
   * Evaluates {@code l}; throws {@link IllegalArgumentException} with {@link #invalid}'s reason
   * when the layout cannot run.
   */
  public TrainingPlan evaluate(Layout l) {
    LayoutCursor c = new LayoutCursor().set(l);
    int code = invalidCode(c);
    if (code != LayoutValidity.OK) {
      throw new IllegalArgumentException(reason(code, l));
    }
    double[] o = new double[SLOTS];
    // what the time rests on: the layers' notes, the collectives' the links record, the update's
    Set<String> notes = new LinkedHashSet<>();
    costs.addNotes(c, notes);
    links.record(notes);
    try {
      evaluate(c, true, o);
    } finally {
      links.record(null);
    }
    notes.addAll(optimizer.notes());
    if (o[OVERLAP] > 0) {
      notes.add(OVERLAP_NOTE);
    }
    return plan(l, o, List.copyOf(notes));
  }

  /** The plan of {@code l} from its evaluated slots, with what its time rests on. */
  private TrainingPlan plan(Layout l, double[] o, List<String> notes) {
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
            o[OVERLAP],
            o[OPTIMIZER]);
    TrainingPlan.MemoryBreakdown mem = memoryOf(o);
    double stepSeconds = o[STEP];
    double tokensPerStep = job.tokensPerStep();
    double used = l.gpus();
    double mfu = modelFlopsPerStep() / stepSeconds / (used * peakFlops);
    double recFlops =
        switch (l.recompute()) {
          case FULL -> forwardFlopsPerToken * tokensPerStep;
          // the core attention's forward runs again, FlashAttention's too (checkpointed core
          // attention re-runs its kernel; the step's time charges it, LayerCost#core)
          case SELECTIVE -> attentionForwardFlopsPerToken * tokensPerStep;
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
        mem,
        notes);
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
    stageMemory.write(new LayoutCursor().set(l), mbs, o);
    return memoryOf(o);
  }

  /**
   * The evaluation without allocation (once the layer costs of this TP, CP, micro-batch, SP and EP
   * are known): {@code o} receives the step time, its breakdown, the peak memory and its breakdown
   * at the indices above; with {@code timed} false only the memory slots (the same values). The
   * layout must be valid ({@link #invalidCode} 0).
   */
  void evaluate(LayoutCursor l, boolean timed, double[] o) {
    long mbs = l.microBatches(job.globalBatch());
    if (!timed) {
      // the memory half alone (the search checks the fit before it times a layout)
      stageMemory.write(l, mbs, o);
      return;
    }
    ModelSpec m = job.model();
    int tp = l.tp;
    int cp = l.cp;
    int ep = l.ep;
    LayerCost dense = costs.get(l, false, LayerCosts.LAYER);
    LayerCost moe = m.moe() != null ? costs.get(l, true, LayerCosts.LAYER) : dense;
    LayerCost headC = costs.get(l, false, LayerCosts.HEAD);
    LayerCost emb = costs.get(l, false, LayerCosts.EMBEDDING);

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

    double recDense = recomputeOf(dense, l.recompute, cpF, 0);
    double recMoe = recomputeOf(moe, l.recompute, cpF, a2a);
    double fDense = dense.forward() + dense.tpForward() + cpF;
    double fMoe = moe.forward() + moe.tpForward() + cpF + 2 * a2a;

    double worstF = 0;
    double worstB = 0;
    double worstCompute = 0;
    double worstRecompute = 0;
    double worstTp = 0;
    double worstCp = 0;
    double worstEp = 0;
    int p = l.pp;
    for (int k : params.candidateStages(p)) {
      int n = params.stageLayers(k, p);
      int nMoe = params.stageMoeLayers(k, p);
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
    // The bubble of stages that differ (the embedding on the first, the head and the loss on the
    // last, a layer more on some): the steady state runs at the slowest stage's pace, and the fill
    // and drain cross every other stage once, sum(t_i) - max(t_i) (the makespan of a flow shop of
    // identical jobs, sum(t_i) + (m - 1) max(t_i); Narayanan et al. 2021 section 2.2's (p - 1) t
    // where the stages are equal), divided by v when interleaved. The sum over stages is the whole
    // model's per-micro-batch time.
    int moeAll = params.moeLayers(0, layers);
    double perDense =
        dense.forward() + dense.backward() + recDense + dense.tpForward() + dense.tpBackward();
    double perMoe =
        moe.forward() + moe.backward() + recMoe + moe.tpForward() + moe.tpBackward() + 4 * a2a;
    double allStages =
        (layers - moeAll) * perDense
            + moeAll * perMoe
            + layers * (cpF + cpB)
            + emb.forward()
            + emb.backward()
            + emb.tpForward()
            + emb.tpBackward()
            + headC.forward()
            + headC.backward()
            + headC.tpForward()
            + headC.tpBackward();
    double bubble = Math.max(0, allStages - perMicroBatch) / l.vpp;

    // pipeline sends on the critical path: one activation forward and one gradient backward per
    // schedule step, m v + p - 1 steps of t/v each when interleaved (the same count behind the
    // bubble's (p - 1)/v; Narayanan et al. 2021 section 2.2.2: "the amount of communication also
    // increases by v"). Without SP, each TP rank sends 1/t of the activation and the TP group
    // all-gathers it over NVLink (Narayanan et al. 2021 section 4.1, scatter/gather; Megatron-LM's
    // p2p_communication, on unless --no-scatter-gather-tensors-in-pipeline); with SP the
    // activation is already split over the TP group.
    // timed only with stages to send between (a recording of the links' notes sees only these)
    double ppc = 0;
    if (p > 1) {
      boolean spOn = l.spOn();
      double actBytes = l.microBatch * (double) job.seq() / cp * m.hiddenSize() * 2.0;
      double hop =
          spOn || tp == 1
              ? links.send(tp * cp * l.dp, actBytes / (spOn ? tp : 1))
              : links.send(tp * cp * l.dp, actBytes / tp)
                  + links.collective(Collective.ALL_GATHER, tp, 1, actBytes);
      ppc = 2 * hop * ((double) mbs * l.vpp + p - 1);
    }

    // The gradient sync and the optimizer step of the stage whose are slowest (the stages sync in
    // parallel; the step waits for the last): stage 0 alone missed DeepSeek-V3's experts at PP 16
    // and more, its first stages holding dense layers only (a helper's read, issue 15).
    int dpGroup = l.shardGroup();
    double dpComm = -1;
    double dpTotal = 0;
    double opt = 0;
    for (int k : params.candidateStages(p)) {
      double stageDense = params.stageDense(k, tp, p);
      double stageExpert = params.stageExpert(k, tp, p, ep);
      dpSync.write(stageDense, stageExpert, tp, dpGroup, ep, l.zero, mbs, worstF, worstB, o);
      // optimizer: Adam over this GPU's shard, memory-bound
      double updated =
          StageMemory.sharded(
              l.zero >= 1, stageDense, stageExpert, 1, dpGroup, StageMemory.expertShard(l));
      double stageOpt = optimizer.stepSeconds(updated, l.offload);
      if (o[DP_COMM] + stageOpt > dpComm + opt) {
        dpComm = o[DP_COMM];
        dpTotal = o[DP_TOTAL];
        opt = stageOpt;
      }
    }
    o[DP_COMM] = dpComm;
    o[DP_TOTAL] = dpTotal;
    double hidden = Math.min(o[DP_TOTAL] - o[DP_COMM], mbs * (worstF + worstB));
    o[OVERLAP] = OVERLAP_COMPUTE_SLOWDOWN * Math.max(0, hidden);

    o[COMPUTE] = mbs * worstCompute;
    o[RECOMPUTE] = mbs * worstRecompute;
    o[TP_COMM] = mbs * worstTp;
    o[CP_COMM] = mbs * worstCp;
    o[EP_COMM] = mbs * worstEp;
    o[PP_COMM] = ppc;
    o[BUBBLE] = bubble;
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
            + o[OVERLAP]
            + o[OPTIMIZER];
    o[MICRO_BATCHES] = mbs;
    stageMemory.write(l, mbs, o);
  }

  /**
   * A lower bound on the step time of a valid layout, whatever its ZeRO stage and recompute: every
   * pipeline stage holds at least {@code floor(L/pp)} layers ({@link ModelCopy#firstLayer}), so the
   * slowest stage's forward and backward compute of one micro-batch is at least {@code floor(L/pp)
   * x} the cheaper layer's (dense or MoE), and the step is at least that times the micro-batches
   * plus the bubble's {@code (pp - 1)/vpp} of it; every other term is non-negative.
   */
  double stepLowerBound(LayoutCursor l) {
    long mbs = l.microBatches(job.globalBatch());
    int pp = l.pp;
    LayerCost dense = costs.get(l, false, LayerCosts.LAYER);
    double perLayer = dense.forward() + dense.backward();
    if (job.model().moe() != null) {
      LayerCost moe = costs.get(l, true, LayerCosts.LAYER);
      perLayer = Math.min(perLayer, moe.forward() + moe.backward());
    }
    double stage = (layers / pp) * perLayer;
    // less a relative 1e-12, so that rounding never lifts the bound above an equal step
    return (mbs + (pp - 1) / (double) l.vpp) * stage * (1 - 1e-12);
  }

  private static double recomputeOf(LayerCost c, Recompute rec, double cpF, double a2a) {
    return switch (rec) {
      case FULL -> c.forward() + c.tpForward() + cpF + 2 * a2a;
      case SELECTIVE -> c.core();
      case NONE -> 0;
    };
  }
}
