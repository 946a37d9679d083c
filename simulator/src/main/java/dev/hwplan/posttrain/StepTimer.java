package dev.hwplan.posttrain;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
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
import dev.hwplan.step.StepTime;
import dev.hwplan.training.ClusterLinks;
import dev.hwplan.training.Layout;
import dev.hwplan.training.Precision;
import dev.hwplan.training.Recompute;
import dev.hwplan.training.TrainingJob;
import dev.hwplan.training.TrainingPlan;
import dev.hwplan.training.TrainingPlanner;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The time of one post-training step, phase by phase, through the step model and the training
 * planner.
 *
 * <p>One step runs in turn: the rollout (PPO, GRPO), prefill of the prompts and decode of every
 * response at the concurrency the KV cache allows, in waves; the weight sync from the trainer to
 * the engine (colocated: an all-gather of the bf16 weights; split: a send over the links between
 * pools); the forward passes of the reference, reward model, critic and the policy's old
 * log-probabilities (the step model's prefill of whole sequences, plus the ZeRO-3 all-gather of the
 * copy's weights); and the training steps of the actor and critic from {@link TrainingPlanner}
 * (ZeRO-3, full recompute) times the PPO epochs. Split pools run the forward passes and the two
 * trainings side by side (OpenRLHF's Ray layout). LoRA training keeps the forward and the
 * backward's input gradients (4 of the 6 FLOPs per parameter and token) and drops the weight
 * gradients of the base: its compute is 2/3 of full training's, recompute unchanged. With {@link
 * PostTrainJob#trainHfu} the training takes at least its hardware FLOPs over that fraction of the
 * peak.
 */
final class StepTimer {
  private final PostTrainJob job;
  private final GpuProfile gpu;
  private final ClusterProfile cluster;
  private final ClusterLinks links;
  private final Map<String, StepModel> steps = new HashMap<>();

  StepTimer(PostTrainJob job, GpuProfile gpu, ClusterProfile cluster) {
    this.job = job;
    this.gpu = gpu;
    this.cluster = cluster;
    this.links = new ClusterLinks(cluster, step(job.policy(), 1, Execution.FUSED));
  }

  /** A step model of {@code m} on {@code tp} GPUs of this kind, bf16 weights and cache. */
  StepModel step(ModelSpec m, int tp, Execution x) {
    return step(m, tp, 1, x);
  }

  /** {@link #step(ModelSpec, int, Execution)} in {@code pp} pipeline stages. */
  StepModel step(ModelSpec m, int tp, int pp, Execution x) {
    return steps.computeIfAbsent(
        m.id() + "/" + tp + "/" + pp + "/" + x,
        k ->
            Calibrations.stepModel(
                new StepConfig(
                    m, Parallelism.of(tp, pp), WeightDtype.BF16, KvDtype.BF16, MlaLayout.LATENT, x),
                gpu));
  }

  /** The training planner of a trainable copy on a pool of {@code gpus}. */
  TrainingPlanner trainer(ModelSpec m, int gpus) {
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
    return new TrainingPlanner(t, gpu, cluster, gpus, step(m, 1, Execution.FUSED));
  }

  /** ZeRO stage {@code zero} data parallel over {@code gpus}, full recompute. */
  Layout layout(int gpus, int zero) {
    return new Layout(
        1,
        1,
        gpus,
        1,
        1,
        1,
        false,
        job.microBatch(),
        zero,
        Recompute.FULL,
        job.offload().optimizerOnHost());
  }

  /**
   * Seconds of the rollout: the prompts' prefill per wave and the responses' decode. With {@link
   * Engine#HF_ZERO3} every forward call (the prefill and each decode step) takes the longer of its
   * compute, with plain PyTorch kernels, and the all-gather of the whole bf16 model over the pool
   * (ZeRO-3's prefetch overlaps the two), and a wave decodes until the longest response of all
   * ranks' batches ends ({@code synced_gpus}). A serving engine batches continuously: it decodes
   * the engine's expected tokens at its concurrency, or its longest response if that is longer
   * ({@link ResponseLengths}).
   */
  double generationSeconds(PostTrainPlan.Rollout r, int gpus, Set<String> notes) {
    boolean hf = job.engine() == Engine.HF_ZERO3;
    StepModel s = step(job.policy(), r.tp(), r.pp(), hf ? Execution.EAGER : Execution.FUSED);
    double gather =
        hf && gpus > 1 && job.policySharded()
            ? links.collective(
                Collective.ALL_GATHER, gpus, 1, 2.0 * ParameterCounter.count(job.policy()).total())
            : 0;
    long c = r.concurrentSequences();
    // An engine in pp stages (a serving engine over nodes) keeps its sequences in flight as m =
    // min(pp, c) micro-batches, as vLLM's pipeline does: each decodes a token per pass of its
    // micro-batch through the whole pipeline (the step model's time, the sends included), and a
    // wave's prefill is 1 + (m - 1) / pp such passes. One stage: one micro-batch, one pass.
    int pp = r.pp();
    int mb = (int) Math.min(pp, c);
    long perPass = (c + mb - 1) / mb;
    double passes = 1 + (mb - 1.0) / pp;
    long p = job.promptTokens();
    ResponseLengths lengths =
        new ResponseLengths(job.generation().responseMeanTokens(), job.responseTokens());
    double prefill =
        r.waves()
            * passes
            * Math.max(gather, seconds(s, StepComposition.prefill(perPass, p), notes));
    if (job.engine().onTrainer() || lengths.fixed()) {
      // static batches: each runs to its longest response (HF's synced_gpus: of all ranks')
      long len = Math.round(lengths.expectedLongestOf(c * (hf ? gpus : 1)));
      return prefill + r.waves() * decodeSeconds(s, perPass, p, len, gather, notes);
    }
    long len = Math.max(1, Math.round(lengths.expected()));
    double waves =
        Math.max(
            lengths.expectedLongestOf(r.sequencesPerEngine()) / len,
            r.sequencesPerEngine() / (double) c);
    return prefill + waves * decodeSeconds(s, perPass, p, len, gather, notes);
  }

  /**
   * Seconds to decode {@code len} tokens for {@code c} sequences after {@code p} prompt tokens: 8
   * segments, each timed at its middle context, each step at least {@code floor} seconds; what the
   * segments' times rest on goes to {@code notes}.
   */
  private static double decodeSeconds(
      StepModel s, long c, long p, long len, double floor, Set<String> notes) {
    int segments = (int) Math.min(8, len);
    double t = 0;
    long done = 0;
    for (int i = 0; i < segments; i++) {
      long end = len * (i + 1) / segments;
      long n = end - done;
      long mid = p + done + n / 2;
      t += n * Math.max(floor, seconds(s, StepComposition.decode(c, mid), notes));
      done = end;
    }
    return t;
  }

  /**
   * The step model's time of a step of composition {@code c} ({@link StepModel#time}, the number
   * {@link StepModel#seconds} gives), its notes added to {@code notes}.
   */
  private static double seconds(StepModel s, StepComposition c, Set<String> notes) {
    StepTime t = s.time(c);
    notes.addAll(t.notes());
    return t.seconds();
  }

  /** Seconds of a forward pass of {@code m} over the step's sequences on a pool of {@code gpus}. */
  double forwardSeconds(ModelSpec m, double weightBytes, int gpus, Set<String> notes) {
    long seqs = job.sequencesPerStep();
    long perGpu = (seqs + gpus - 1) / gpus;
    long mb = Math.max(1, Math.min(perGpu, 8 * job.microBatch()));
    long full = perGpu / mb;
    long rest = perGpu % mb;
    StepModel s = step(m, 1, Execution.FUSED);
    double t = full * seconds(s, StepComposition.prefill(mb, job.sequenceTokens()), notes);
    if (rest > 0) {
      t += seconds(s, StepComposition.prefill(rest, job.sequenceTokens()), notes);
    }
    return t + links.collective(Collective.ALL_GATHER, gpus, 1, weightBytes);
  }

  /** Seconds of the training of trainable copy {@code c} on {@code gpus}, all epochs. */
  double trainSeconds(Copy c, int gpus, Set<String> notes) {
    TrainingPlanner tp = trainer(c.model(), gpus);
    Layout l = layout(gpus, job.zeroStage(c.role()));
    String why = tp.invalid(l);
    if (why != null) {
      throw InvalidInputException.option("--gpus", why);
    }
    TrainingPlan p = tp.evaluate(l);
    notes.addAll(p.notes());
    double t = p.stepSeconds();
    boolean lora = job.lora() != null && c.role() == Role.POLICY;
    double flopsShare = 1; // of full training's 8 N T hardware FLOPs (6 N T and 2 N T of recompute)
    if (lora) {
      // forward and input gradients through base and adapter, 4 (N + a) T; weight gradients of the
      // adapter and of the matrices that still train (the rest: the head, untargeted layers),
      // 2 (a + h) T; recompute 2 (N + a) T
      double a = job.lora().adapterParams(c.model());
      double n = c.params() - a;
      double h = job.lora().trainedMatrixParams(c.model());
      double compute = 2.0 / 3 + a / n + h / (3 * n);
      double recompute = 1 + a / n;
      flopsShare = (6 * compute + 2 * recompute) / 8;
      TrainingPlan.TimeBreakdown b = p.time();
      t =
          b.computeSeconds() * compute
              + b.recomputeSeconds() * recompute
              + b.bubbleSeconds()
              + b.dpCommSeconds()
              + b.overlapSlowdownSeconds()
              + b.optimizerSeconds() * c.trainableParams() / c.params();
    }
    if (job.trainHfu() > 0) {
      // the hardware FLOPs at the framework's utilisation
      t = Math.max(t, p.hfu() * p.stepSeconds() * flopsShare / job.trainHfu());
    }
    return t * job.ppoEpochs();
  }

  /** One step's time and what it rests on ({@link StepTimer#time}). */
  record Timed(PostTrainPlan.Time time, List<String> notes) {}

  /**
   * One step's time on {@code gpus}: colocated when {@code pools} is null, else split with each
   * copy on its pool's GPUs; with the notes of the step model's predictions, the trainers' plans
   * and the collectives it used, each once, in order.
   */
  Timed time(List<Copy> copies, int gpus, PostTrainPlan.Rollout r, Map<Role, Integer> pools) {
    Set<String> notes = new LinkedHashSet<>();
    links.record(notes);
    try {
      return new Timed(time(copies, gpus, r, pools, notes), List.copyOf(notes));
    } finally {
      links.record(null);
    }
  }

  private PostTrainPlan.Time time(
      List<Copy> copies,
      int gpus,
      PostTrainPlan.Rollout r,
      Map<Role, Integer> pools,
      Set<String> notes) {
    boolean split = pools != null;
    double gen = r == null ? 0 : generationSeconds(r, gpus, notes);
    double sync = 0;
    Copy policy = copies.get(0);
    if (r != null && job.engine() == Engine.DS_HYBRID && job.policySharded()) {
      // the hybrid engine gathers the ZeRO-3 shards, LoRA fused into the base: the whole model
      sync =
          links.collective(
              Collective.ALL_GATHER, gpus, 1, 2.0 * ParameterCounter.count(job.policy()).total());
    }
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
      // a shared-weight reference, and a whole-weight copy (ZeRO-2), gather nothing
      boolean whole = job.wholeWeights(c.role());
      if (!c.trainable()) {
        f = forwardSeconds(c.model(), whole ? 0 : c.weightBytes(), n, notes);
      } else if (job.method().rollout()) {
        // the old policy's log-probs and the critic's values before the update
        f = forwardSeconds(c.model(), whole ? 0 : 2 * c.params(), n, notes);
      }
      fwd = split ? Math.max(fwd, f) : fwd + f;
      if (c.trainable()) {
        double t = trainSeconds(c, n, notes);
        train = split ? Math.max(train, t) : train + t;
      }
    }
    double step = gen + sync + fwd + train;
    return new PostTrainPlan.Time(gen, sync, fwd, train, step, step * 1000.0 / job.batchPrompts());
  }
}
