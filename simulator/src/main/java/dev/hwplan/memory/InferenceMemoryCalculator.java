package dev.hwplan.memory;

import static dev.hwplan.io.Checks.positiveOption;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.MoeSpec;
import dev.hwplan.model.ParameterCount;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.parallel.Parallelism;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-GPU inference memory with TP and PP. Weights: linear layers split by TP (Megatron column and
 * row splits), embeddings and the output head split by vocabulary (vLLM's VocabParallelEmbedding),
 * norms replicated, layers divided across PP stages (the largest stage, holding the embedding, is
 * reported). The activation peak is an estimate for a profiling pass of {@code maxBatchedTokens}:
 * the residual and normed hidden states plus the larger of the attention (QKV and output) and MLP
 * (gate, up and activation) intermediates of one layer, in 16 bits, plus fp32 logits for up to 256
 * sequences.
 */
public final class InferenceMemoryCalculator {
  /** Default reserve for the CUDA context, cuBLAS/attention workspaces and CUDA graphs: 1.5 GiB. */
  public static final long DEFAULT_RESERVE_BYTES = 3L << 29;

  /** vLLM's default {@code gpu_memory_utilization}: the share of GPU memory it may use. */
  public static final double DEFAULT_GPU_MEM_UTIL = 0.9;

  /**
   * The notes' number format: no locale ({@code null}), which prints {@code %.2f} and {@code %d}
   * exactly as {@code Locale.ROOT} does without loading the JDK's locale data at the first format
   * of a {@code hwplan memory} (start-up; as the CLI's {@code Units.PLAIN}, whose test compares the
   * two).
   */
  private static final Locale PLAIN = null;

  /** vLLM's default {@code max_num_batched_tokens} for the profiling pass. */
  public static final int DEFAULT_MAX_BATCHED_TOKENS = 8192;

  /**
   * The inputs.
   *
   * @param reserveBytes CUDA context and workspaces; an assumption that users can override
   */
  public record Request(
      ModelSpec model,
      GpuProfile gpu,
      Parallelism parallelism,
      WeightDtype weights,
      KvCacheCalculator.Options kv,
      long context,
      double gpuMemUtil,
      long reserveBytes,
      int maxBatchedTokens) {
    public Request {
      if (!(gpuMemUtil > 0 && gpuMemUtil <= 1)) {
        throw InvalidInputException.option(
            "--gpu-mem-util", "must be in (0, 1], got " + gpuMemUtil);
      }
      positiveOption(context, "--context", "token count");
      if (reserveBytes < 0) {
        throw InvalidInputException.option("--reserve-gib", "must not be negative");
      }
      if (maxBatchedTokens <= 0) {
        throw InvalidInputException.option("--max-batched-tokens", "must be positive");
      }
    }
  }

  private InferenceMemoryCalculator() {}

  /** Weight bytes on the largest stage's GPU. */
  public static long weightBytesPerGpu(ModelSpec m, Parallelism par, WeightDtype w) {
    ParameterCount p = ParameterCounter.count(m);
    int tp = par.tp();
    double layerFraction = par.layersPerStage(m) / (double) m.numHiddenLayers();
    long d = m.hiddenSize();
    double linear = linearParamsPerRank(m, p, tp, par.ep()) * layerFraction;
    double quantised = w.bytes(Math.round(linear), d);
    if (w.expertsOnly()) {
      if (p.routedExperts() == 0) {
        throw InvalidInputException.option(
            "--weights-dtype",
            w.key() + " stores the routed experts only, and " + m.id() + " has none");
      }
      // The expert matrices in the format, their biases and every other matrix in bf16.
      double experts =
          (p.routedExperts() - ParameterCounter.routedExpertBiasParams(m))
              / (double) tp
              * layerFraction;
      quantised = w.bytes(Math.round(experts), d) + 2.0 * (linear - experts);
    }
    double sixteenBit = 2.0 * (p.router() * layerFraction + p.norms() * layerFraction);
    // The first stage holds the embedding; with tied embeddings it is also the head.
    double vocab = 2.0 * (p.embedding() + p.outputHead()) / tp;
    if (par.pp() > 1) {
      vocab = 2.0 * Math.max(p.embedding(), p.outputHead()) / tp;
    }
    return Math.round(quantised + sixteenBit + vocab);
  }

  /**
   * Parameters of the linear layers (attention, MLP, routed and shared experts) one TP rank holds
   * over all layers: Megatron's column and row splits divide them by TP, except the MLA
   * down-projections that every rank holds whole ({@link
   * ParameterCounter#replicatedAttentionParams}), as the step graph runs them.
   */
  public static double linearParamsPerRank(ModelSpec m, int tp) {
    return linearParamsPerRank(m, tp, 1);
  }

  /**
   * {@link #linearParamsPerRank(ModelSpec, int)} with the routed experts also split over {@code ep}
   * expert-parallel ranks (each holds {@code E/ep} whole experts; attention and dense layers are
   * replicated on every rank).
   */
  public static double linearParamsPerRank(ModelSpec m, int tp, int ep) {
    return linearParamsPerRank(m, ParameterCounter.count(m), tp, ep);
  }

  private static double linearParamsPerRank(ModelSpec m, ParameterCount p, int tp, int ep) {
    double replicated =
        (double) ParameterCounter.replicatedAttentionParams(m) * m.numHiddenLayers();
    return (p.attention() - replicated + p.mlp()) / tp
        + p.routedExperts() / ((double) tp * ep)
        + replicated;
  }

  /** Activation peak estimate for a forward pass of {@code tokens} tokens, on one TP rank. */
  public static long activationBytes(ModelSpec m, Parallelism par, int tokens) {
    int tp = par.tp();
    long d = m.hiddenSize();
    long attnOut = (long) m.attentionWidth();
    long qkv =
        m.mla() != null
            ? m.mla().latentElementsPerToken() + attnOut
            : (long) (m.numAttentionHeads() + 2 * m.numKeyValueHeads()) * m.headDim();
    long attention = (qkv + attnOut) / tp;
    long ff = m.intermediateSize();
    MoeSpec moe = m.moe();
    boolean anyMoe = false;
    for (int i = 0, n = moe == null ? 0 : m.layers().size(); i < n && !anyMoe; i++) {
      anyMoe = m.layers().get(i).moe();
    }
    if (moe != null && anyMoe) {
      ff =
          Math.max(
              ff,
              (long) (moe.numExpertsPerTok() + moe.nSharedExperts()) * moe.moeIntermediateSize());
    }
    long mlp = (m.architecture().gatedMlp() ? 3 : 2) * ff / tp;
    long perToken = 2 * d + Math.max(attention, mlp);
    long logits = 4L * Math.min(tokens, 256) * m.vocabSize() / tp;
    try {
      return Math.addExact(Math.multiplyExact(2L * tokens, perToken), logits);
    } catch (ArithmeticException e) {
      // The message is made only here: this runs once per estimate.
      throw Exact.tooLarge(
          "--max-batched-tokens", "the activations of a " + tokens + "-token pass");
    }
  }

  /**
   * The numbers of {@link #compute} without its notes: what the estimator and simulators need to
   * decide what fits (one definition, the same arithmetic), at the cost of a few multiplications.
   *
   * @param capacity the GPU's memory in bytes
   * @param usable {@code capacity x gpuMemUtil}, rounded down
   * @param weights weight bytes on the largest stage's GPU
   * @param activations the profiling pass's activation peak
   * @param budget bytes left for KV after weights, activations and the reserve (may be negative)
   * @param perBlock bytes of one paged block on this GPU
   * @param blocks whole blocks the budget holds
   * @param perSequence paged KV bytes of one sequence at the request's context on this GPU
   * @param sequences whole sequences the budget holds
   */
  public record Budget(
      long capacity,
      long usable,
      long weights,
      long activations,
      long budget,
      long perBlock,
      long blocks,
      long perSequence,
      long sequences) {}

  /** {@link #compute}'s numbers alone (no notes, no per-layer report). */
  public static Budget budget(Request r) {
    ModelSpec m = r.model();
    Parallelism par = r.parallelism();
    par.validateFor(m);
    long capacity = r.gpu().memoryBytes();
    long usable = (long) Math.floor(capacity * r.gpuMemUtil());
    long weights = weightBytesPerGpu(m, par, r.weights());
    long act = activationBytes(m, par, r.maxBatchedTokens());
    long budget =
        Exact.plus(
            usable,
            -Exact.plus(
                Exact.plus(weights, act, "--max-batched-tokens", "weights plus activations"),
                r.reserveBytes(),
                "--reserve-gib",
                "weights, activations and reserve"),
            "--reserve-gib",
            "weights, activations and reserve");
    KvCacheCalculator.Options kv = r.kv();
    long perSeq =
        KvCacheCalculator.sequenceBytesPerGpu(
            m, kv.dtype(), kv.mlaLayout(), par, r.context(), kv.blockSize());
    // A block holds blockSize tokens of every layer on this GPU's stage.
    long perBlock =
        Exact.times(
            KvCacheCalculator.tokenBytesPerGpu(m, kv.dtype(), kv.mlaLayout(), par),
            kv.blockSize(),
            "--block-size",
            "one KV block");
    long blocks = budget > 0 ? budget / perBlock : 0;
    long seqs = budget > 0 ? budget / perSeq : 0;
    return new Budget(capacity, usable, weights, act, budget, perBlock, blocks, perSeq, seqs);
  }

  public static InferenceMemory compute(Request r) {
    ModelSpec m = r.model();
    Parallelism par = r.parallelism();
    Budget b = budget(r);
    KvCacheReport one = KvCacheCalculator.compute(m, r.context(), 1, r.kv(), par);
    List<String> notes = new ArrayList<>(one.notes());
    boolean fits = b.budget() > 0 && b.sequences() >= 1;
    if (!fits) {
      notes.add(
          String.format(
              PLAIN,
              "does not fit: %.2f GiB usable, but weights %.2f + activations %.2f + reserve %.2f"
                  + " GiB leave %.2f GiB for KV, and one %d-token sequence needs %.2f GiB",
              gib(b.usable()),
              gib(b.weights()),
              gib(b.activations()),
              gib(r.reserveBytes()),
              gib(b.budget()),
              r.context(),
              gib(b.perSequence())));
    }
    notes.add(
        String.format(
            PLAIN,
            "reserve %.2f GiB for CUDA context, workspaces and CUDA graphs is an assumption"
                + " (--reserve-gib)",
            gib(r.reserveBytes())));
    return new InferenceMemory(
        m.id(),
        r.gpu().id(),
        par.tp(),
        par.pp(),
        r.weights().key(),
        r.kv().dtype().key(),
        r.context(),
        r.gpuMemUtil(),
        b.capacity(),
        b.usable(),
        b.weights(),
        b.activations(),
        r.reserveBytes(),
        b.budget(),
        r.kv().blockSize(),
        b.perBlock(),
        b.blocks(),
        b.perSequence(),
        b.sequences(),
        fits,
        notes);
  }

  private static double gib(long b) {
    return b / (double) (1L << 30);
  }
}
