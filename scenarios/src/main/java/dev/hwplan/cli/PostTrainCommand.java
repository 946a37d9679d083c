package dev.hwplan.cli;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.posttrain.Engine;
import dev.hwplan.posttrain.Generation;
import dev.hwplan.posttrain.Lora;
import dev.hwplan.posttrain.Method;
import dev.hwplan.posttrain.Offload;
import dev.hwplan.posttrain.PostTrainJob;
import dev.hwplan.posttrain.PostTrainPlan;
import dev.hwplan.posttrain.PostTrainPlanner;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hwplan posttrain}: the post-training planner. The copies a method keeps, memory per GPU,
 * the minimum GPUs that fit (colocated and split into pools), and the time per step and per 1,000
 * prompts.
 */
@Command(
    name = "posttrain",
    description = {
      "Plan post-training (SFT, DPO, PPO, GRPO; LoRA/QLoRA): model copies, memory per GPU,"
          + " minimum GPUs, placement, time per step and per 1,000 prompts."
    },
    mixinStandardHelpOptions = true)
final class PostTrainCommand extends PlannerCommand {
  /** The largest pool searched for the minimum GPUs. */
  static final int MAX_GPUS = 1024;

  /** The policy. */
  @Mixin ModelOption model;

  @Option(names = "--method", required = true, description = "sft, dpo, ppo or grpo.")
  String method;

  @Option(
      names = "--lora-rank",
      description = "LoRA adapters of this rank (on all linear layers unless --lora-targets).")
  Integer loraRank;

  @Option(
      names = "--lora-targets",
      description =
          "LoRA target modules: all-linear (default), attention, mlp, or a list of"
              + " q,k,v,o,gate,up,down (needs --lora-rank or --qlora).")
  String loraTargets;

  @Option(names = "--qlora", description = "QLoRA: NF4 base, LoRA rank 64 unless --lora-rank.")
  boolean qlora;

  @Option(
      names = "--reward-model",
      description = "Reward (and PPO critic) model (default: the policy's for PPO, none for GRPO).")
  String rewardModel;

  @Option(names = "--group-size", description = "Responses per prompt (GRPO: default 8).")
  Integer groupSize;

  @Mixin GpuOption gpu;

  @Option(names = "--gpus", description = "GPUs (default: the minimum that fits, colocated).")
  Integer gpus;

  @Option(
      names = "--placement",
      defaultValue = "colocated",
      description = "colocated or split (default: ${DEFAULT-VALUE}).")
  String placement;

  @Option(names = "--prompt-tokens", required = true, description = "Tokens per prompt.")
  long promptTokens;

  @Option(names = "--response-tokens", required = true, description = "Tokens per response.")
  long responseTokens;

  @Option(names = "--batch-prompts", required = true, description = "Prompts per step.")
  long batchPrompts;

  @Option(names = "--ppo-epochs", defaultValue = "1", description = "Passes per rollout batch.")
  int ppoEpochs;

  @Option(names = "--micro-batch", defaultValue = "1", description = "Sequences per micro-batch.")
  int microBatch;

  @Option(
      names = "--engine",
      defaultValue = "vllm",
      description =
          "Rollout engine: vllm (serving engine or DeepSpeed-Chat's hybrid engine) or hf-zero3"
              + " (HF generate on the ZeRO-3 shards, the whole model gathered per decode step).")
  String engine;

  @Option(
      names = "--generation-batch",
      defaultValue = "0",
      description = "Sequences per GPU generated at once (0: as many as the KV cache holds).")
  int generationBatch;

  @Option(
      names = "--inference-tp",
      defaultValue = "0",
      description =
          "Rollout engine's tensor parallel size (vLLM tensor_parallel_size, DeepSpeed-Chat"
              + " inference_tp_size; 0: the smallest that fits).")
  int inferenceTp;

  @Option(
      names = "--gather-layers",
      defaultValue = "0",
      description =
          "ds-hybrid with --inference-tp above 1: layers gathered whole at once while re-laid"
              + " (tp_gather_partition_size; DeepSpeed-Chat's default 8).")
  int gatherLayers;

  @Option(
      names = "--policy-zero-stage",
      defaultValue = "3",
      description =
          "The policy's ZeRO stage: 3 shards its weights; 2 keeps them (and the reference's) whole"
              + " on every GPU (default: ${DEFAULT-VALUE}).")
  int policyZeroStage;

  @Option(
      names = "--lora-train-rest",
      description =
          "LoRA: embeddings, head, norms and biases train too (DeepSpeed-Chat without"
              + " --only_optimize_lora).")
  boolean loraTrainRest;

  @Mixin OffloadOption offload;

  @Option(
      names = "--param-offload",
      description = "With --offload: weights and gradients in host memory too (FSDP offload).")
  boolean paramOffload;

  @Option(
      names = "--phase-offload",
      description =
          "Every state to host memory between phases and back for its own (verl's param_offload"
              + " and optimizer_offload).")
  boolean phaseOffload;

  @Option(
      names = "--gpu-mem-util",
      defaultValue = "0",
      description =
          "vllm engine: fraction of each GPU's total memory for its weights and KV cache (vLLM's"
              + " gpu_memory_utilization; 0: what the copies leave free).")
  double gpuMemUtil;

  @Option(
      names = "--response-mean",
      defaultValue = "0",
      description =
          "Mean response length when generation stops at EOS (geometric lengths cut at"
              + " --response-tokens; 0: every response runs to --response-tokens).")
  double responseMean;

  @Option(
      names = "--train-hfu",
      defaultValue = "0",
      description =
          "Ceiling on the training phase's hardware FLOPs utilisation (DeepSpeed-Chat ZeRO-3:"
              + " 0.193; 0: the planner's own estimate).")
  double trainHfu;

  @Option(names = "--precomputed-reference", description = "DPO: reference log-probs precomputed.")
  boolean precomputed;

  @Option(names = "--shared-reference", description = "LoRA: the frozen base is the reference.")
  boolean sharedReference;

  @Override
  public void run() {
    ModelSpec m = model.resolve();
    Method meth = Method.parse(method);
    if (!placement.equals("colocated") && !placement.equals("split")) {
      throw InvalidInputException.option(
          "--placement", "must be colocated or split, got '" + placement + "'");
    }
    Lora lora = null;
    if (qlora || loraRank != null) {
      int r = loraRank != null ? loraRank : Lora.QLORA_DEFAULT_RANK;
      Set<Lora.Target> targets =
          loraTargets == null ? Lora.ALL_LINEAR : Lora.parseTargets(loraTargets, "--lora-targets");
      lora = Lora.of(m, r, qlora, targets, "--lora-rank").trainingRest(loraTrainRest);
    } else if (loraTargets != null || loraTrainRest) {
      throw InvalidInputException.option(
          loraTargets != null ? "--lora-targets" : "--lora-train-rest",
          "needs --lora-rank or --qlora");
    }
    ModelSpec reward = null;
    if (rewardModel != null) {
      try {
        reward = ModelCatalog.resolve(rewardModel);
      } catch (InvalidInputException e) {
        throw InvalidInputException.option("--reward-model", where(e) + e.reason());
      }
    }
    int g = groupSize != null ? groupSize : (meth == Method.GRPO ? 8 : 1);
    // the prompt alone first, so that a prompt beyond the context is named as such
    m.checkContext(promptTokens, "--prompt-tokens");
    m.checkContext(promptTokens + responseTokens, "--response-tokens");
    PostTrainJob job =
        new PostTrainJob(
            m,
            meth,
            lora,
            reward,
            g,
            promptTokens,
            responseTokens,
            batchPrompts,
            ppoEpochs,
            precomputed,
            sharedReference,
            Offload.of(offload.enabled(), paramOffload, phaseOffload),
            microBatch,
            trainHfu,
            new Generation(
                Engine.parse(engine),
                generationBatch,
                gpuMemUtil,
                responseMean,
                inferenceTp,
                gatherLayers),
            policyZeroStage);
    GpuProfile gp = gpu.in(profiles);
    ClusterProfile c = Clusters.forGpu(gpu.id(), "");
    if (inferenceTp > c.gpusPerNode()) {
      throw InvalidInputException.option(
          "--inference-tp",
          inferenceTp + " is more than the " + c.gpusPerNode() + " GPUs of a node");
    }
    if (gpus != null) {
      Clusters.checkGpus(gpus, c);
    }
    PostTrainPlanner planner = new PostTrainPlanner(job, gp, c);
    int minColocated = planner.minGpusColocated(MAX_GPUS);
    PostTrainPlan minSplit = planner.split(null, MAX_GPUS);
    PostTrainPlan plan;
    if (placement.equals("split")) {
      plan = planner.split(gpus, MAX_GPUS);
    } else {
      int n = gpus != null ? gpus : minColocated;
      plan = n > 0 ? planner.colocated(n) : null;
    }
    PrintWriter out = out();
    if (json.enabled()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", m.id());
      o.put("method", meth.key());
      o.put("adapter", lora == null ? null : lora.label());
      o.put("gpu", gp.id());
      o.put("groupSize", g);
      o.put("engine", job.engine().key());
      o.put("generationBatch", job.generation().batch());
      o.put("gpuMemUtil", job.generation().memoryFraction());
      o.put("offload", job.offload().name().toLowerCase(Locale.ROOT));
      o.put("sequencesPerStep", job.sequencesPerStep());
      o.put("minGpus", minColocated);
      o.put("minGpusSplit", minSplit == null ? 0 : minSplit.gpus());
      o.put("plan", plan == null ? null : planJson(plan));
      o.put("notes", plan == null ? List.of() : plan.notes());
      JsonOutput.print(out, o);
      return;
    }
    out.printf(
        Locale.ROOT,
        "posttrain %s %s%s on %s: %d sequences of %d+%d tokens per step%n",
        meth.key(),
        m.id(),
        lora == null ? "" : " (" + lora.label() + ")",
        gp.id(),
        job.sequencesPerStep(),
        promptTokens,
        responseTokens);
    out.printf(
        Locale.ROOT,
        "  minimum GPUs: %s colocated, %s split into pools%n",
        minColocated == 0 ? "none up to " + MAX_GPUS : String.valueOf(minColocated),
        minSplit == null ? "none up to " + MAX_GPUS : String.valueOf(minSplit.gpus()));
    if (plan == null) {
      out.println("  no placement fits");
      out.flush();
      return;
    }
    out.printf(
        Locale.ROOT,
        "  placement %s on %s: peak %.1f GiB of %.1f GiB usable per GPU, %s%n",
        plan.placement(),
        count(plan.gpus(), "GPU"),
        gib(plan.peakBytesPerGpu()),
        gib(plan.usableBytes()),
        plan.fits() ? "fits" : "does NOT fit");
    out.printf(
        Locale.ROOT,
        "  %-10s %-22s %-9s %-11s %14s %10s %10s %10s %10s%n",
        "copy",
        "model",
        "trains",
        "dtype",
        "params",
        "weights",
        "grads",
        "optimizer",
        "activ.");
    for (PostTrainPlan.CopyMemory cm : plan.copies()) {
      out.printf(
          Locale.ROOT,
          "  %-10s %-22s %-9s %-11s %14s %7.2f GiB %6.2f GiB %6.2f GiB %6.2f GiB%n",
          cm.role().key(),
          cm.model(),
          cm.trainable() ? "yes" : "frozen",
          cm.dtype(),
          String.format(Locale.ROOT, "%,.0f", cm.params()),
          gib(cm.weightBytes()),
          gib(cm.gradientBytes()),
          gib(cm.optimizerBytes()),
          gib(cm.activationBytes()));
    }
    for (PostTrainPlan.Pool p : plan.pools()) {
      out.printf(
          Locale.ROOT,
          "  pool %-10s %9s, peak %.1f GiB/GPU%n",
          p.name(),
          count(p.gpus(), "GPU"),
          gib(p.peakBytesPerGpu()));
    }
    if (plan.rollout() != null) {
      PostTrainPlan.Rollout r = plan.rollout();
      out.printf(
          Locale.ROOT,
          "  rollout: %s of TP%d%s, %d sequences each, %d at once (KV %.1f GiB/GPU), %s%n",
          count(r.engines(), "engine"),
          r.tp(),
          r.pp() > 1 ? " x PP" + r.pp() : "",
          r.sequencesPerEngine(),
          r.concurrentSequences(),
          gib(r.kvBytesPerGpu()),
          count(r.waves(), "wave"));
    }
    if (plan.time() != null) {
      PostTrainPlan.Time t = plan.time();
      out.printf(
          Locale.ROOT,
          "  step %.1f s = generation %.1f + weight sync %.2f + forward %.1f + train %.1f;"
              + " %.0f s (%.2f h) per 1,000 prompts%n",
          t.stepSeconds(),
          t.generationSeconds(),
          t.weightSyncSeconds(),
          t.forwardSeconds(),
          t.trainSeconds(),
          t.secondsPer1000Prompts(),
          t.secondsPer1000Prompts() / 3600);
    }
    Units.printNotes(out, plan.notes());
  }

  private static double gib(double b) {
    return b / (1L << 30);
  }

  static Map<String, Object> planJson(PostTrainPlan p) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("placement", p.placement());
    o.put("gpus", p.gpus());
    o.put("fits", p.fits());
    o.put("peakBytesPerGpu", p.peakBytesPerGpu());
    o.put("usableBytes", p.usableBytes());
    List<Object> copies = new ArrayList<>();
    for (PostTrainPlan.CopyMemory c : p.copies()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("role", c.role().key());
      x.put("model", c.model());
      x.put("trainable", c.trainable());
      x.put("dtype", c.dtype());
      x.put("params", c.params());
      x.put("trainableParams", c.trainableParams());
      x.put("weightBytes", c.weightBytes());
      x.put("gradientBytes", c.gradientBytes());
      x.put("optimizerBytes", c.optimizerBytes());
      x.put("activationBytes", c.activationBytes());
      x.put("totalBytes", c.totalBytes());
      copies.add(x);
    }
    o.put("copies", copies);
    List<Object> pools = new ArrayList<>();
    for (PostTrainPlan.Pool q : p.pools()) {
      // insertion order: Map.of's iteration order changes from one JVM to the next
      Map<String, Object> pool = new LinkedHashMap<>();
      pool.put("name", q.name());
      pool.put("gpus", q.gpus());
      pool.put("peakBytesPerGpu", q.peakBytesPerGpu());
      pools.add(pool);
    }
    o.put("pools", pools);
    // the records as they are: JSON keys are their components, in order
    if (p.rollout() != null) {
      o.put("rollout", p.rollout());
    }
    if (p.time() != null) {
      o.put("time", p.time());
    }
    return o;
  }

  /** The file and field a model error came from ("" for a command-line id), for one line. */
  private static String where(InvalidInputException e) {
    if ("command line".equals(e.source())) {
      return "";
    }
    return e.source() + (e.field().isEmpty() ? "" : ", field '" + e.field() + "'") + ": ";
  }

  /** {@code 1 GPU}, {@code 8 GPUs}. */
  private static String count(long n, String noun) {
    return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
  }
}
