package dev.hwplan.serving;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTimeTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A deployment ready to simulate: the model on its GPUs ({@code replicas} copies of the step
 * config's TP x PP layout), each replica's engine, and its KV cache from the memory model ({@link
 * InferenceMemoryCalculator}: what {@code gpuMemUtil} of the GPU leaves after weights, the
 * activation peak of an iteration of the token budget, and the reserve, in whole blocks).
 *
 * @param modelContext the model's context length ({@code max_position_embeddings})
 * @param notes assumptions and caveats behind the numbers
 * @param prefill with prefill/decode disaggregation, the prefill pool (this plan's replicas then
 *     decode), else null
 */
public record ServingPlan(
    StepConfig step,
    GpuProfile gpu,
    int replicas,
    Routing routing,
    EngineConfig engine,
    InferenceMemory memory,
    long modelContext,
    List<String> notes,
    PrefillPool prefill) {
  public ServingPlan {
    notes = List.copyOf(notes);
  }

  /**
   * The prefill pool of a disaggregated deployment and the link its KV caches cross.
   *
   * @param plan the prefill replicas (their own GPU type, TP and engine)
   * @param link what the link is ({@code nvlink}, {@code nic}, or a bandwidth given)
   * @param linkBytesPerSecond each GPU's bandwidth per direction
   */
  public record PrefillPool(ServingPlan plan, String link, double linkBytesPerSecond) {}

  /**
   * Each GPU's NIC for KV transfers between nodes: 400 Gb/s, 50 GB/s per direction (NVIDIA DGX H100
   * and H200: one ConnectX-7 400 Gb/s InfiniBand NDR or Ethernet port per GPU).
   */
  public static final double NIC_BYTES_PER_SECOND = 50e9;

  /** The request length the sliding-window note quotes: 8,192 tokens. */
  static final long FOOTPRINT_EXAMPLE_TOKENS = 8192;

  /** GPUs of one node: a deployment of at most this many keeps its KV transfers on NVLink. */
  public static final int NODE_GPUS = 8;

  /** This plan as the decode pool of {@code decodeReplicas}, with {@code prefill} before it. */
  public ServingPlan disaggregated(int decodeReplicas, ServingPlan prefillPlan, String link) {
    if (decodeReplicas <= 0) {
      throw InvalidInputException.option(
          "--decode-replicas", "must be positive, got " + decodeReplicas);
    }
    int total = decodeReplicas * step.parallelism().gpus() + prefillPlan.gpus();
    KvLink k = KvLink.resolve(link, gpu, prefillPlan.gpu(), total);
    String name = k.name();
    double bw = k.bytesPerSecond();
    List<String> n = new ArrayList<>(notes);
    n.add(
        String.format(
            Locale.ROOT,
            "disaggregated: %d prefill replicas (%s, TP %d) and %d decode replicas; KV crosses %s"
                + " at %.0f GB/s per GPU, one cache at a time per prefill replica",
            prefillPlan.replicas(),
            prefillPlan.gpu().id(),
            prefillPlan.step().parallelism().tp(),
            decodeReplicas,
            name,
            bw / 1e9));
    for (String x :
        stepNotes(
            prefillPlan.step, prefillPlan.gpu, prefillPlan.engine, prefillPlan.modelContext)) {
      if (!n.contains(x)) {
        n.add(x); // the prefill pool's own GPU and layout
      }
    }
    return new ServingPlan(
        step,
        gpu,
        decodeReplicas,
        routing,
        engine,
        memory,
        modelContext,
        n,
        new PrefillPool(prefillPlan, name, bw));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** The same plan with {@code r} replicas (of the decode pool when disaggregated). */
  public ServingPlan withReplicas(int r) {
    return new ServingPlan(step, gpu, r, routing, engine, memory, modelContext, notes, prefill);
  }

  /**
   * The engine knobs: {@code null} budget or sequence cap take the policy's defaults for the GPU
   * ({@link Policy#defaultMaxNumBatchedTokens}, {@link Policy#defaultMaxNumSeqs}).
   */
  public record Settings(
      Policy policy,
      Integer maxNumBatchedTokens,
      Integer maxNumSeqs,
      int blockSize,
      double gpuMemUtil,
      Preemption preemption,
      double engineOverheadSeconds,
      Routing routing,
      Boolean prefixCaching,
      Speculative speculative) {
    /** Whether prefix caching is on: as given, else the policy's default. */
    public boolean caching() {
      return prefixCaching != null ? prefixCaching : policy.defaultPrefixCaching();
    }

    /** The same settings with prefix caching on or off. */
    public Settings withPrefixCaching(Boolean on) {
      return with(on, speculative);
    }

    /** The same settings with speculative decoding {@code s} (null: none). */
    public Settings withSpeculative(Speculative s) {
      return with(prefixCaching, s);
    }

    private Settings with(Boolean caching, Speculative s) {
      return new Settings(
          policy,
          maxNumBatchedTokens,
          maxNumSeqs,
          blockSize,
          gpuMemUtil,
          preemption,
          engineOverheadSeconds,
          routing,
          caching,
          s);
    }

    /**
     * The policy with vLLM's defaults: 16-token blocks, 0.9 of memory, recompute, 2 ms, the
     * policy's prefix caching ({@link Policy#defaultPrefixCaching}), no speculation.
     */
    public static Settings defaults(Policy p) {
      return new Settings(
          p,
          null,
          null,
          KvCacheCalculator.DEFAULT_BLOCK_SIZE,
          0.9,
          Preemption.RECOMPUTE,
          EngineConfig.DEFAULT_ENGINE_OVERHEAD_SECONDS,
          Routing.LEAST_OUTSTANDING,
          null,
          null);
    }
  }

  /**
   * Speculative decoding's knobs ({@link Speculation}, {@link Drafter}).
   *
   * @param draftModel the draft model for {@link Speculation.Method#DRAFT}, else null
   */
  public record Speculative(
      Speculation.Method method, int tokens, double acceptance, ModelSpec draftModel) {}

  /** GPUs of the deployment (both pools when disaggregated). */
  public int gpus() {
    return replicas * step.parallelism().gpus() + (prefill == null ? 0 : prefill.plan().gpus());
  }

  /** The plan for {@code replicas} copies of {@code step} on {@code gpu}. */
  public static ServingPlan of(StepConfig step, GpuProfile gpu, int replicas, Settings s) {
    if (replicas <= 0) {
      throw InvalidInputException.option("--replicas", "must be positive, got " + replicas);
    }
    Integer ctx = step.model().maxPositionEmbeddings();
    long context = ctx == null ? Integer.MAX_VALUE : ctx;
    int budget =
        s.maxNumBatchedTokens() != null
            ? s.maxNumBatchedTokens()
            : s.policy().defaultMaxNumBatchedTokens(gpu.memoryBytes(), gpu.id(), context);
    int seqs =
        s.maxNumSeqs() != null
            ? s.maxNumSeqs()
            : s.policy().defaultMaxNumSeqs(gpu.memoryBytes(), gpu.id());
    if (budget <= 0) {
      throw InvalidInputException.option(
          "--max-num-batched-tokens", "must be positive, got " + budget);
    }
    InferenceMemory mem =
        InferenceMemoryCalculator.compute(
            new InferenceMemoryCalculator.Request(
                step.model(),
                gpu,
                step.parallelism(),
                step.weights(),
                new KvCacheCalculator.Options(step.kv(), step.mlaLayout(), s.blockSize()),
                Math.min(context, 8192),
                s.gpuMemUtil(),
                InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
                budget));
    List<String> notes = new ArrayList<>();
    double link =
        gpu.interconnect() == null ? 0 : gpu.interconnect().pcieBytesPerSecondPerDirection();
    long swapBlocks = 0;
    double swapSeconds = 0;
    if (s.preemption() == Preemption.SWAP) {
      if (link > 0 && mem.kvBytesPerBlock() > 0) {
        swapBlocks = EngineConfig.DEFAULT_SWAP_BYTES_PER_GPU / mem.kvBytesPerBlock();
        swapSeconds = mem.kvBytesPerBlock() / link;
        notes.add(
            String.format(
                Locale.ROOT,
                "swap: 4 GiB of host memory per GPU (vLLM's --swap-space default), %d blocks,"
                    + " copied at the PCIe rate of %.0f GB/s per direction",
                swapBlocks,
                link / 1e9));
      } else {
        notes.add("swap: the GPU profile gives no PCIe rate, so preemption recomputes");
      }
    }
    long blocks = Math.max(0, mem.kvBlocks());
    long perBlock = mem.kvBytesPerBlock();
    long draftKvPerToken = 0;
    Speculation speculation = null;
    if (s.speculative() != null) {
      Speculative sp = s.speculative();
      Drafter d = Drafter.of(step, gpu, sp.method(), sp.tokens(), sp.acceptance(), sp.draftModel());
      speculation = d.speculation();
      long before = blocks;
      if (d.weightBytesPerGpu() > 0 || d.kvBytesPerTokenPerGpu() > 0) {
        draftKvPerToken = d.kvBytesPerTokenPerGpu();
        perBlock = mem.kvBytesPerBlock() + draftKvPerToken * s.blockSize();
        long left = mem.kvBudgetBytes() - d.weightBytesPerGpu();
        blocks = left > 0 ? left / perBlock : 0;
      }
      notes.add(d.note(before, blocks));
    }
    // Sliding-window layers keep only their window's blocks (vLLM's hybrid KV cache manager).
    KvFootprint footprint = KvFootprint.of(step, s.blockSize(), perBlock, draftKvPerToken, context);
    boolean caching = s.caching();
    if (footprint != null) {
      long windowed = step.model().layers().stream().filter(l -> l.slidingWindow() != null).count();
      notes.add(
          String.format(
              Locale.ROOT,
              "sliding window: %d of %d layers keep only their window's KV blocks (vLLM's hybrid"
                  + " KV cache manager); a request of %,d tokens holds %,d of the %,d blocks it"
                  + " would hold with full attention",
              windowed,
              step.model().numHiddenLayers(),
              FOOTPRINT_EXAMPLE_TOKENS,
              footprint.blocks(ceilDiv(FOOTPRINT_EXAMPLE_TOKENS, s.blockSize())),
              ceilDiv(FOOTPRINT_EXAMPLE_TOKENS, s.blockSize())));
      if (caching && footprint.window() == null && s.prefixCaching() == null) {
        caching = false;
        notes.add("prefix caching off: the sliding-window layers have different windows");
      } else if (caching) {
        notes.add(
            String.format(
                Locale.ROOT,
                "prefix caching with sliding windows: a cached prefix is a hit only where the"
                    + " sliding layers still hold the %,d tokens before it (vLLM's hybrid manager)",
                footprint.window() - 1));
      }
    }
    EngineConfig engine =
        new EngineConfig(
            s.policy(),
            budget,
            seqs,
            s.blockSize(),
            blocks,
            s.preemption(),
            swapBlocks,
            swapSeconds,
            s.engineOverheadSeconds(),
            caching,
            speculation,
            footprint,
            step.parallelism().pp(),
            step.parallelism().ep());
    notes.add(
        String.format(
            Locale.ROOT,
            "engine overhead %.2f ms per iteration (an assumption; --engine-overhead-ms)",
            s.engineOverheadSeconds() * 1e3));
    parallelNotes(step.parallelism(), step.model(), engine, notes);
    notes.addAll(stepNotes(step, gpu, engine, context));
    return new ServingPlan(step, gpu, replicas, s.routing(), engine, mem, context, notes, null);
  }

  /**
   * What the step times of {@code step} on {@code gpu} rest on, each once (the step model's notes:
   * another device's calibration, a collective outside the measured range, an uncalibrated op):
   * those of the steps at the engine's limits, one decode, a full batch of decodes and a prefill of
   * the whole token budget, at the context the memory model takes. Taken once per plan, not per
   * iteration simulated: the notes follow from the ops' kinds and the collectives' sizes, and these
   * steps span both.
   */
  private static List<String> stepNotes(
      StepConfig step, GpuProfile gpu, EngineConfig engine, long context) {
    StepModel m = Calibrations.stepModel(step, gpu);
    long at = Math.min(context, 8192);
    Set<String> out = new LinkedHashSet<>(m.time(StepComposition.decode(1, at)).notes());
    out.addAll(m.time(StepComposition.decode(engine.maxNumSeqs(), at)).notes());
    out.addAll(m.time(StepComposition.prefill(1, engine.maxNumBatchedTokens())).notes());
    return List.copyOf(out);
  }

  /** What PP's micro-batches and EP's ranks mean for the replica's engines. */
  private static void parallelNotes(
      Parallelism par, ModelSpec m, EngineConfig engine, List<String> notes) {
    if (par.expertsOnTp()) {
      notes.add(par.expertsOnTpNote(m));
    }
    if (par.pp() > 1) {
      notes.add(
          String.format(
              Locale.ROOT,
              "PP %d: %d micro-batches in flight, one engine each with %,d of the %,d KV blocks"
                  + " (vLLM V0's virtual engines); a stage takes 1/%d of a step",
              par.pp(),
              engine.microBatches(),
              engine.engineBlocks(),
              engine.kvBlocks(),
              par.pp()));
    }
    if (par.ep() > 1) {
      notes.add(
          String.format(
              Locale.ROOT,
              "EP %d: %d ranks of TP %d%s, each with 1/%d of the routed experts, its own"
                  + " scheduler and %,d KV blocks, in lockstep (an iteration lasts as long as the"
                  + " slowest rank's)",
              par.ep(),
              par.ep(),
              par.tp(),
              par.pp() > 1 ? " x PP " + par.pp() : "",
              par.ep(),
              engine.kvBlocks()));
    }
  }

  /**
   * Checks that requests of these lengths can be served: a prompt within the model's context, a
   * whole request within the context and one replica's KV cache, and (for the unchunked policies,
   * which prefill a prompt, or recompute a preempted request, in one iteration) within the token
   * budget. Distributions without an upper bound are capped at those limits instead.
   */
  public void checkLengths(LengthDistribution prompt, LengthDistribution output) {
    checkLengths(prompt, output, 0);
  }

  /**
   * As {@link #checkLengths(LengthDistribution, LengthDistribution)} for the first turns of {@code
   * w}: its prompts with the shared prefix in front (later turns of a conversation end it when they
   * no longer fit).
   */
  public void checkLengths(Workload w) {
    if (w.arrival() != Workload.Arrival.TRACE) {
      checkLengths(w.prompt(), w.output(), w.sharing().prefix() ? w.sharing().prefixTokens() : 0);
    }
  }

  private void checkLengths(LengthDistribution prompt, LengthDistribution output, int prefix) {
    String model = step.model().id();
    if (prompt.bounded() && (long) prompt.max() + prefix > modelContext) {
      throw InvalidInputException.option(
          prefix > 0 ? "--shared-prefix-tokens" : "--prompt-tokens",
          "a prompt of "
              + ((long) prompt.max() + prefix)
              + " tokens is longer than "
              + model
              + "'s context of "
              + modelContext
              + " tokens");
    }
    if (!prompt.bounded() || !output.bounded()) {
      return;
    }
    long longest = (long) prompt.max() + prefix + output.max();
    if (longest > modelContext) {
      throw InvalidInputException.option(
          "--output-tokens",
          "a prompt of "
              + ((long) prompt.max() + prefix)
              + " plus "
              + output.max()
              + " output tokens is longer than "
              + model
              + "'s context of "
              + modelContext
              + " tokens");
    }
    if (longest > engine.maxRequestTokens()) {
      throw InvalidInputException.option(
          "--output-tokens",
          "a request of up to "
              + longest
              + " tokens needs more KV cache than one replica holds ("
              + engine.maxRequestTokens()
              + " tokens)");
    }
    if (!engine.policy().chunked() && longest > engine.maxNumBatchedTokens()) {
      throw InvalidInputException.option(
          "--max-num-batched-tokens",
          engine.policy().key()
              + " prefills (and recomputes) a request in one iteration: the budget of "
              + engine.maxNumBatchedTokens()
              + " tokens must hold the longest request, "
              + longest
              + " tokens");
    }
  }

  /** The step model of this plan's replicas under the calibrated GPU model. */
  public StepModel stepModel() {
    return Calibrations.stepModel(step, gpu);
  }

  /** The simulation of {@code workload} on this plan, with iteration times from {@code table}. */
  public ServingSimulator.Spec spec(
      Workload workload, double sloTtftSeconds, double sloTpotSeconds, boolean stopWhenSloLost) {
    ServingSimulator.Disaggregation d = null;
    if (prefill != null) {
      ServingPlan p = prefill.plan();
      boolean same = p.step().equals(step) && p.gpu().equals(gpu);
      d =
          new ServingSimulator.Disaggregation(
              p.replicas(),
              p.engine(),
              same ? null : IterationTimer.of(p.stepModel().table()),
              p.memory().kvBytesPerBlock() / p.engine().blockSize(),
              prefill.linkBytesPerSecond());
    }
    return new ServingSimulator.Spec(
        engine,
        replicas,
        routing,
        workload,
        Math.min(modelContext, prefill == null ? modelContext : prefill.plan().modelContext()),
        sloTtftSeconds,
        sloTpotSeconds,
        stopWhenSloLost,
        d);
  }

  /** Runs {@code workload} on this plan with times from {@code table}. */
  public ServingResult simulate(
      StepTimeTable table, Workload workload, double sloTtftSeconds, double sloTpotSeconds) {
    return ServingSimulator.run(
        spec(workload, sloTtftSeconds, sloTpotSeconds, false), IterationTimer.of(table));
  }
}
