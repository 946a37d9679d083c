package dev.hwplan.memory;

import static dev.hwplan.io.Checks.positiveOption;

import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.MlaSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import java.util.ArrayList;
import java.util.List;

/**
 * KV-cache bytes per token, per sequence and per GPU. The formulas are the DeepSeek-V2 paper's
 * Table 1: {@code 2 n_kv d_h} elements a token and layer for MHA, GQA and MQA, and {@code d_c +
 * d_h^R} for MLA's latent, which is stored once (not doubled). Sliding-window layers keep at most
 * the window (Mistral 7B paper, section 2: a 32k sequence with a 4096 window holds 1/8 of the
 * cache). Paged allocation follows vLLM: whole blocks of {@code blockSize} tokens (default 16).
 */
public final class KvCacheCalculator {
  /** vLLM's default block size in tokens. */
  public static final int DEFAULT_BLOCK_SIZE = 16;

  /**
   * How to store the cache. The parallel layout is not here: it is the request's (one {@link
   * Parallelism} per question), passed to {@link #compute(ModelSpec, long, long, Options,
   * Parallelism)} beside these options.
   *
   * @param blockSize paged-allocation block in tokens
   */
  public record Options(KvDtype dtype, MlaLayout mlaLayout, int blockSize) {
    public Options {
      positiveOption(blockSize, "--block-size", "number of tokens");
    }

    /**
     * The form that carried a second parallel layout beside the request's; it is not kept. Only the
     * memory study still calls it, with the request's own layout.
     *
     * @deprecated pass the parallel layout once, to the request or to {@link #compute(ModelSpec,
     *     long, long, Options, Parallelism)}
     */
    @Deprecated(forRemoval = true)
    public Options(KvDtype dtype, MlaLayout mlaLayout, int blockSize, Parallelism ignored) {
      this(dtype, mlaLayout, blockSize);
    }

    public static Options defaults() {
      return new Options(KvDtype.BF16, MlaLayout.LATENT, DEFAULT_BLOCK_SIZE);
    }

    public Options withDtype(KvDtype d) {
      return new Options(d, mlaLayout, blockSize);
    }

    public Options withLayout(MlaLayout l) {
      return new Options(dtype, l, blockSize);
    }
  }

  private KvCacheCalculator() {}

  /** Bytes one token adds to one layer's cache, for the whole model (no TP split). */
  public static long bytesPerTokenPerLayer(ModelSpec m, KvDtype dtype, MlaLayout layout) {
    return bytesPerTokenPerLayer(m, dtype, layout, 1);
  }

  /** Bytes one token adds to one layer's cache on one TP rank. */
  public static long bytesPerTokenPerLayer(ModelSpec m, KvDtype dtype, MlaLayout layout, int tp) {
    MlaSpec mla = m.mla();
    if (mla != null) {
      if (layout == MlaLayout.LATENT) {
        // The latent is shared by all heads, so every TP rank holds all of it.
        return dtype.bytes(1, mla.latentElementsPerToken());
      }
      long heads = m.numAttentionHeads() / tp;
      return dtype.bytes(heads, mla.qkHeadDim()) + dtype.bytes(heads, mla.vHeadDim());
    }
    long kvHeads = Math.max(1, m.numKeyValueHeads() / tp);
    return 2 * dtype.bytes(kvHeads, m.headDim());
  }

  /** Bytes per token across all layers, bf16, latent MLA: the figure papers quote. */
  public static long bytesPerToken(ModelSpec m) {
    return bytesPerToken(m, KvDtype.BF16, MlaLayout.LATENT);
  }

  /** Bytes per token across all layers. */
  public static long bytesPerToken(ModelSpec m, KvDtype dtype, MlaLayout layout) {
    return m.numHiddenLayers() * bytesPerTokenPerLayer(m, dtype, layout);
  }

  /**
   * Bytes one token of context adds on the GPU of the largest pipeline stage, over every layer of
   * that stage: what a paged block of one token holds there (vLLM sizes blocks this way).
   */
  public static long tokenBytesPerGpu(
      ModelSpec m, KvDtype dtype, MlaLayout layout, Parallelism par) {
    return par.layersPerStage(m) * bytesPerTokenPerLayer(m, dtype, layout, par.tp());
  }

  /**
   * The paged cache of one sequence of {@code tokens} tokens on the GPU of the largest pipeline
   * stage: each layer holds the tokens it keeps (its window, if any) in whole blocks of {@code
   * blockSize}. The one definition of KV bytes per GPU that {@code kv}, {@code memory}, {@code
   * infer} and the serving simulator share.
   */
  public static long sequenceBytesPerGpu(
      ModelSpec m, KvDtype dtype, MlaLayout layout, Parallelism par, long tokens, int blockSize) {
    long perLayerRank = bytesPerTokenPerLayer(m, dtype, layout, par.tp());
    int perStage = par.layersPerStage(m);
    // Layers are numbered in order, so each stage's layers are consecutive: one running sum, no
    // per-call array or message (this runs once per estimate; the message is built on overflow).
    try {
      long perGpu = 0;
      long stageSum = 0;
      int stage = 0;
      // The stage's index range: the division runs only for a layer outside it.
      long stageFirst = 0;
      long stageEnd = perStage;
      // A layer keeping as many tokens as the one before holds as many bytes (most layers).
      long lastCached = -1;
      long layerBytes = 0;
      for (LayerSpec l : m.layers()) {
        int index = l.index();
        int s = index >= 0 && index >= stageFirst && index < stageEnd ? stage : index / perStage;
        if (s != stage) {
          perGpu = Math.max(perGpu, stageSum);
          stageSum = 0;
          stage = s;
          stageFirst = (long) s * perStage;
          stageEnd = stageFirst + perStage;
        }
        long cached = l.cachedTokens(tokens);
        if (cached != lastCached) {
          long blocks = cached / blockSize + (cached % blockSize == 0 ? 0 : 1);
          layerBytes = Math.multiplyExact(Math.multiplyExact(blocks, blockSize), perLayerRank);
          lastCached = cached;
        }
        stageSum = Math.addExact(stageSum, layerBytes);
      }
      return Math.max(perGpu, stageSum);
    } catch (ArithmeticException e) {
      throw Exact.tooLarge("--context", "the KV cache of one " + tokens + "-token sequence");
    }
  }

  /** The full answer for {@code batch} sequences of {@code context} tokens on one GPU. */
  public static KvCacheReport compute(ModelSpec m, long context, long batch, Options o) {
    return compute(m, context, batch, o, Parallelism.single());
  }

  /**
   * The full answer for {@code batch} sequences of {@code context} tokens, split as {@code par}
   * says.
   */
  public static KvCacheReport compute(
      ModelSpec m, long context, long batch, Options o, Parallelism par) {
    positiveOption(context, "--context", "token count");
    positiveOption(batch, "--batch", "sequence count");
    par.validateFor(m);
    long perLayer = bytesPerTokenPerLayer(m, o.dtype(), o.mlaLayout());
    List<LayerKv> layers = new ArrayList<>();
    long perSeq = 0;
    long pagedPerSeq = 0;
    long maxBlocks = 0;
    // Exact arithmetic: a sequence too long for a 64-bit count names --context, a batch --batch.
    String seq = "the KV cache of one " + context + "-token sequence";
    String all = "the KV cache of " + batch + " sequences of " + context + " tokens";
    for (LayerSpec l : m.layers()) {
      long cached = l.cachedTokens(context);
      long blocks = cached / o.blockSize() + (cached % o.blockSize() == 0 ? 0 : 1);
      maxBlocks = Math.max(maxBlocks, blocks);
      long paged = Exact.times(blocks, o.blockSize(), "--context", seq);
      long layerSeq = Exact.times(cached, perLayer, "--context", seq);
      perSeq = Exact.plus(perSeq, layerSeq, "--context", seq);
      pagedPerSeq =
          Exact.plus(pagedPerSeq, Exact.times(paged, perLayer, "--context", seq), "--context", seq);
      layers.add(
          new LayerKv(
              l.index(),
              l.slidingWindow(),
              perLayer,
              cached,
              Exact.times(layerSeq, batch, "--batch", all)));
    }
    long perGpu =
        Exact.times(
            sequenceBytesPerGpu(m, o.dtype(), o.mlaLayout(), par, context, o.blockSize()),
            batch,
            "--batch",
            all);
    long total = Exact.times(perSeq, batch, "--batch", all);
    long paged = Exact.times(pagedPerSeq, batch, "--batch", all);
    List<String> notes = new ArrayList<>();
    if (m.mla() != null) {
      notes.add(
          o.mlaLayout() == MlaLayout.LATENT
              ? "MLA latent: kv_lora_rank + qk_rope_head_dim = "
                  + m.mla().latentElementsPerToken()
                  + " elements a token and layer, stored once and held whole by every TP rank"
              : "MLA expanded: per-head K of "
                  + m.mla().qkHeadDim()
                  + " and V of "
                  + m.mla().vHeadDim()
                  + " elements for "
                  + m.numAttentionHeads()
                  + " heads, as engines without latent kernels store it");
    }
    if (par.replicatesKvHeads(m)) {
      notes.add(
          "TP "
              + par.tp()
              + " exceeds the "
              + m.numKeyValueHeads()
              + " KV heads: each rank stores one replicated KV head (as vLLM does)");
    }
    if (m.hasSlidingWindow()) {
      long windowed = m.layers().stream().filter(l -> l.slidingWindow() != null).count();
      notes.add(
          windowed
              + " of "
              + m.numHiddenLayers()
              + " layers use a sliding window and cache at most its length");
    }
    if (o.dtype().scaleBytes() > 0) {
      notes.add(
          o.dtype().description()
              + ": scale overhead "
              + String.format(
                  java.util.Locale.ROOT,
                  "%.4f",
                  o.dtype().scaleOverheadBytesPerElement(cacheVectorDim(m, o.mlaLayout())))
              + " bytes per element");
    }
    return new KvCacheReport(
        m.id(),
        m.attentionKind().key(),
        m.mla() == null ? "kv-heads" : o.mlaLayout().name().toLowerCase(java.util.Locale.ROOT),
        o.dtype().key(),
        context,
        batch,
        o.blockSize(),
        perLayer * m.numHiddenLayers(),
        perSeq,
        total,
        paged,
        paged - total,
        maxBlocks,
        perGpu,
        o.dtype().scaleOverheadBytesPerElement(cacheVectorDim(m, o.mlaLayout())),
        layers,
        notes);
  }

  private static long cacheVectorDim(ModelSpec m, MlaLayout layout) {
    if (m.mla() != null && layout == MlaLayout.LATENT) {
      return m.mla().latentElementsPerToken();
    }
    return m.mla() != null ? m.mla().vHeadDim() : m.headDim();
  }
}
