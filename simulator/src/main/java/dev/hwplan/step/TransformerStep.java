package dev.hwplan.step;

import static dev.hwplan.step.LayerOps.ceilDiv;
import static dev.hwplan.step.LayerOps.headNorm;
import static dev.hwplan.step.LayerOps.linear;
import static dev.hwplan.step.LayerOps.mlp;
import static dev.hwplan.step.LayerOps.named;
import static dev.hwplan.step.LayerOps.norm;
import static dev.hwplan.step.LayerOps.postNorm;
import static dev.hwplan.step.LayerOps.residual;
import static dev.hwplan.step.LayerOps.withSinks;

import dev.hwplan.hardware.DType;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.MlaSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
import dev.hwplan.op.ExpertRouting;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the op graph of a prefill or decode step of a decoder-only transformer on one TP rank.
 *
 * <ul>
 *   <li>Linear layers split as Megatron-LM does (Shoeybi et al. 2019): QKV and gate/up by output
 *       columns, O and down by input rows, one all-reduce after each (two per layer).
 *   <li>MoE layers (DeepSeekMoE, Mixtral): a router GEMM and top-k, the permute and unpermute,
 *       routed experts as grouped GEMMs whose active experts and busiest expert follow from top-k
 *       routing ({@link ExpertRouting}), shared experts as dense GEMMs; with expert parallelism the
 *       step is one rank's (its own tokens' attention, {@code E/ep} experts) with all-to-all
 *       dispatch and combine.
 *   <li>MLA (DeepSeek-V2 section 2.1): latent decode absorbs W^UK into the query and W^UV into the
 *       output (per-head batched GEMMs) and attends over the latent; expanded decode and prefill
 *       up-project with W^UKV and run multi-head attention.
 *   <li>Sliding-window layers: decode attends to min(context, window) tokens; a prefill chunk
 *       attends causally until the window fills and then over a band of exactly {@code window} keys
 *       a query (FlashAttention's local attention, Beltagy et al. 2020 section 3.1), timed as
 *       causal prefill blocks whose query-key pairs add up to the band's exactly.
 *   <li>QK-norm (Qwen3, Gemma 3): an RMSNorm over head_dim on the queries and keys; attention sinks
 *       (gpt-oss): one logit a head joins each softmax denominator, inside the attention kernel;
 *       Gemma's sandwich norms (a norm after attention and after the MLP) and its embedding scale;
 *       gpt-oss's clamped SwiGLU and expert biases.
 *   <li>PP: every stage in turn, with an activation send between stages (one batch in flight).
 *   <li>The logits GEMM covers the new token of each sequence; with TP the vocabulary is split and
 *       the logits gathered.
 * </ul>
 */
public final class TransformerStep {
  private TransformerStep() {}

  /** One decode step: every sequence adds a token and attends to {@code context} tokens. */
  public static OpGraph decode(StepConfig c, long batch, long context) {
    return build(c, StepComposition.decode(batch, context));
  }

  /** Prefill of {@code prompt} tokens for each of {@code batch} sequences. */
  public static OpGraph prefill(StepConfig c, long batch, long prompt) {
    return build(c, StepComposition.prefill(batch, prompt));
  }

  /**
   * The ops of a step of any composition: the linear layers, norms and MLP run once over all its
   * new tokens; attention runs per prefill-chunk shape and once over the decode sequences.
   */
  public static OpGraph build(StepConfig c, StepComposition s) {
    return new OpGraph(ops(c, s));
  }

  /**
   * {@link #build}'s ops, saying whether every layer is alike and dense ({@link LayerOps.Graph}).
   */
  static LayerOps.Graph ops(StepConfig c, StepComposition s) {
    // only the routed experts read the sequence length: a dense model's steps skip it
    return ops(
        c,
        s,
        c.model().moe() == null ? 0 : ExpertRouting.lengthBucket(s.tokenWeightedChunkLength()));
  }

  /**
   * {@link #ops(StepConfig, StepComposition)} with the routed rows spread as in steps of sequence
   * length bucket {@code lengthBucket} ({@link ExpertRouting#lengthBucket}): {@link StepTimeTable}
   * times a bucket's routed experts on a composition of its own.
   */
  static LayerOps.Graph ops(StepConfig c, StepComposition s, int lengthBucket) {
    ModelSpec m = c.model();
    Parallelism par = c.parallelism();
    Execution ex = c.execution();
    int tp = par.tp();
    long tokens = s.tokens();
    long d = m.hiddenSize();
    long maxContext = s.maxContext();

    // Layers of one kind (MLP kind and the window that binds at this step's contexts) produce
    // identical ops: group them, in order of first appearance, and emit each kind's ops once with
    // the count of its layers.
    LayerKinds layers = StepTimes.layerKinds(m).at(maxContext); // maxContext: no window binds
    int kinds = layers.size();
    boolean windowed = false;
    for (int k = 1; k < kinds; k++) {
      windowed |= layers.window(k) != layers.window(0);
    }

    LayerOps.Graph ops = new LayerOps.Graph(4 + kinds * 24);
    ops.add(Ops.embedding("embedding", tokens, d, 2));
    if (m.architecture().scaledEmbedding() && ex == Execution.EAGER) {
      double n = tokens * (double) d;
      ops.add(Ops.elementwise("embedding_scale", n, 2 * n, 2 * n, 1));
    }
    if (kinds == 1 && !layers.moe(0)) {
      // Every layer alike and dense (most models): its ops go straight into the graph with the
      // layer count, with no per-layer list to build and copy.
      ops.layers = layers.count(0);
      attentionHalf(ops, c, s, layers.window(0), "");
      mlpHalf(ops, c, false, tokens, 1);
      ops.layers = 1;
      ops.alike = true;
    } else {
      // The attention half of a layer depends only on its window and the MLP half only on the
      // MLP kind: kinds that share a half share its Op instances (and so its shapes), which lets
      // the step model time such ops once.
      List<Op> attentionHalf = null;
      long attentionHalfWindow = -1;
      List<Op> denseHalf = null;
      List<Op> moeHalf = null;
      double dispersion = ExpertRouting.rowsDispersion(lengthBucket);
      for (int k = 0; k < kinds; k++) {
        long window = layers.window(k);
        int count = layers.count(k);
        if (attentionHalf == null || attentionHalfWindow != window) {
          String suffix = windowed && window < maxContext ? " (window " + window + ")" : "";
          attentionHalf = new ArrayList<>(16);
          attentionHalf(attentionHalf, c, s, window, suffix);
          attentionHalfWindow = window;
        }
        boolean moe = layers.moe(k);
        List<Op> mlpHalf = moe ? moeHalf : denseHalf;
        if (mlpHalf == null) {
          mlpHalf = new ArrayList<>(12);
          mlpHalf(mlpHalf, c, moe, tokens, dispersion);
          if (moe) {
            moeHalf = mlpHalf;
          } else {
            denseHalf = mlpHalf;
          }
        }
        for (Op op : attentionHalf) {
          ops.add(op.times(op.count() * count));
        }
        for (Op op : mlpHalf) {
          ops.add(op.times(op.count() * count));
        }
      }
    }
    ops.add(norm("final_norm", tokens, d, ex));
    long rows = s.sequences(); // logits for the last token of each sequence
    ops.add(Ops.gemm("logits", DType.BF16, rows, ceilDiv(m.vocabSize(), tp), d, 2, 2));
    if (tp > 1) {
      ops.add(
          Ops.collective(
              "logits.all_gather", Collective.ALL_GATHER, tp, rows * (double) m.vocabSize() * 2));
    }
    if (par.pp() > 1) {
      ops.add(Ops.collective("pp.send", Collective.SEND, 2, tokens * d * 2.0).times(par.pp() - 1));
    }
    return ops;
  }

  /**
   * The attention half of one layer: its norm, attention, the half's end ({@link #endHalf}) and the
   * MLP norm.
   */
  private static void attentionHalf(
      List<Op> ops, StepConfig c, StepComposition s, long window, String suffix) {
    ModelSpec m = c.model();
    Execution ex = c.execution();
    long tokens = s.tokens();
    long d = m.hiddenSize();
    ops.add(norm("attn_norm", tokens, d, ex));
    if (m.mla() != null) {
      mlaAttention(ops, c, s, window, suffix);
    } else {
      attention(ops, c, s, window, suffix);
    }
    endHalf(ops, "attn_post_norm", "attn.all_reduce", c, tokens);
    ops.add(norm("mlp_norm", tokens, d, ex));
  }

  /** The MLP half of one layer: the dense MLP or the MoE block, and the half's end. */
  private static void mlpHalf(
      List<Op> ops, StepConfig c, boolean moe, long tokens, double dispersion) {
    if (moe) {
      MoeBlock.add(ops, c, tokens, dispersion);
    } else {
      mlp(ops, c, "mlp", tokens, c.model().intermediateSize());
    }
    endHalf(ops, "mlp_post_norm", "mlp.all_reduce", c, tokens);
  }

  /**
   * The end of a layer's half (attention or MLP) over {@code tokens}: the post-norm {@code
   * normName} of four-norm layers (Gemma), the residual add, and with TP the all-reduce {@code
   * reduceName} of the half's bf16 output.
   */
  private static void endHalf(
      List<Op> half, String normName, String reduceName, StepConfig c, long tokens) {
    ModelSpec m = c.model();
    Execution ex = c.execution();
    int tp = c.parallelism().tp();
    long d = m.hiddenSize();
    if (m.architecture().normsPerLayer() == 4) {
      half.add(postNorm(normName, tokens, d, ex));
    }
    residual(half, tokens, d, ex);
    if (tp > 1) {
      half.add(Ops.collective(reduceName, Collective.ALL_REDUCE, tp, tokens * d * 2.0));
    }
  }

  /**
   * The backward pass of every layer's causal attention over {@code batch} sequences of {@code
   * tokens} tokens on one TP rank (training; no cached prefix), on the execution's prefill kernel.
   * A sliding-window layer of window {@code w < tokens} is counted as {@code ceil(tokens / w)}
   * causal blocks of {@code w} tokens (an approximation: a window attends to up to {@code w} keys,
   * a causal block to {@code w / 2} on average, so this is a lower bound).
   */
  public static OpGraph attentionBackward(StepConfig c, long batch, long tokens) {
    ModelSpec m = c.model();
    int tp = c.parallelism().tp();
    int heads = m.numAttentionHeads() / tp;
    int kvHeads;
    int dq;
    int dv;
    if (m.mla() != null) {
      kvHeads = heads;
      dq = m.mla().qkHeadDim();
      dv = m.mla().vHeadDim();
    } else {
      kvHeads = c.parallelism().kvHeadsPerRank(m);
      dq = m.headDim();
      dv = dq;
    }
    java.util.Map<Long, Integer> byWindow = new java.util.LinkedHashMap<>();
    for (LayerSpec l : m.layers()) {
      byWindow.merge(l.cachedTokens(tokens), 1, Integer::sum);
    }
    List<Op> ops = new ArrayList<>();
    for (java.util.Map.Entry<Long, Integer> e : byWindow.entrySet()) {
      long w = Math.min(tokens, e.getKey());
      long blocks = (tokens + w - 1) / w;
      String name = w < tokens ? "attention_backward (window " + w + ")" : "attention_backward";
      ops.add(
          Ops.prefillAttentionBackward(
                  name,
                  Math.multiplyExact(batch, blocks),
                  heads,
                  kvHeads,
                  dq,
                  dv,
                  w,
                  c.execution().prefillAttention)
              .times(e.getValue()));
    }
    return new OpGraph(ops);
  }

  /**
   * The attention kernels of one layer: one per prefill-chunk shape and one over the decode
   * sequences. A layer with a window attends to at most {@code window} tokens.
   */
  private static void attentionKernels(
      List<Op> ops,
      StepComposition s,
      long window,
      String suffix,
      int heads,
      int kvHeads,
      int headDim,
      int valueDim,
      double kvBytes,
      AttentionKernel decodeKernel,
      AttentionKernel prefillKernel,
      boolean sinks) {
    List<StepComposition.Prefill> prefills = s.prefills();
    boolean mixed = prefills.size() + (s.decodes() > 0 ? 1 : 0) > 1;
    for (int i = 0, size = prefills.size(); i < size; i++) {
      StepComposition.Prefill p = prefills.get(i);
      // Keys read: the chunk and the part of the prefix still inside the window.
      long prefix = Math.min(p.prefix(), window - 1);
      Op op =
          Ops.prefillAttention(
              named(mixed ? "prefill_attention" : "attention", suffix),
              p.sequences(),
              heads,
              kvHeads,
              headDim,
              valueDim,
              p.tokens(),
              prefix,
              kvBytes,
              prefillKernel);
      double pairs = windowPairs(p.tokens(), p.prefix(), window);
      double flops = 2.0 * p.sequences() * heads * pairs * ((long) headDim + valueDim);
      if (flops != op.flops()) {
        op =
            new Op(
                op.name(),
                op.kind(),
                op.dtype(),
                flops,
                op.bytesRead(),
                op.bytesWritten(),
                op.count(),
                ((OpShape.Attention) op.shape()).withWindow(window));
      }
      ops.add(withSinks(op, sinks, p.sequences() * heads * (double) p.tokens()));
    }
    if (s.decodes() > 0) {
      ops.add(
          withSinks(
              Ops.decodeAttention(
                  named(mixed ? "decode_attention" : "attention", suffix),
                  s.decodes(),
                  heads,
                  kvHeads,
                  headDim,
                  valueDim,
                  Math.min(s.decodeContext(), window),
                  kvBytes,
                  decodeKernel),
              sinks,
              s.decodes() * (double) heads));
    }
  }

  /**
   * Query-key pairs of a chunk of {@code tokens} new tokens after {@code prefix} cached ones in a
   * layer whose queries see at most {@code window} keys: query j sees min(prefix + j + 1, window),
   * so the first a = min(tokens, window - prefix) queries (none once the prefix fills the window)
   * attend causally, a x prefix + a (a + 1) / 2 pairs, and the rest see the window each. Without a
   * binding window it is the causal count, tokens x prefix + tokens (tokens + 1) / 2.
   */
  static double windowPairs(long tokens, long prefix, long window) {
    long a = Math.max(0, Math.min(tokens, window - prefix));
    return a * (double) prefix + a * (a + 1.0) / 2 + (tokens - a) * (double) window;
  }

  private static void attention(
      List<Op> ops, StepConfig c, StepComposition s, long window, String suffix) {
    ModelSpec m = c.model();
    Execution ex = c.execution();
    int tp = c.parallelism().tp();
    long tokens = s.tokens();
    long d = m.hiddenSize();
    int dh = m.headDim();
    int heads = m.numAttentionHeads() / tp;
    int kvHeads = c.parallelism().kvHeadsPerRank(m);
    ops.add(linear(c, "attn.qkv_proj", tokens, (long) (heads + 2 * kvHeads) * dh, d));
    if (m.architecture().qkNorm()) {
      ops.add(headNorm("attn.q_norm", tokens * (long) heads, dh, ex));
      ops.add(headNorm("attn.k_norm", tokens * (long) kvHeads, dh, ex));
    }
    double kvB = c.kvBytes(dh);
    double qk = (heads + kvHeads) * (double) dh * tokens;
    double cacheWrite = 2.0 * kvHeads * dh * tokens;
    if (ex.ropeWritesCache) {
      ops.add(
          Ops.elementwise("attn.rope_cache_write", 6 * qk, 2 * qk, 2 * qk + cacheWrite * kvB, 1));
    } else {
      if (ex == Execution.EAGER) {
        // eager RoPE: the multiplies, negation and concatenation are strided (14 of 20 bytes)
        ops.add(
            Ops.elementwise("attn.rope", 6 * qk, 10 * qk, 10 * qk, 2 * ex.ropeKernels, 14 * qk));
      } else {
        // compiled RoPE: one fused Triton kernel per tensor (q, k), contiguous
        ops.add(Ops.elementwise("attn.rope", 6 * qk, 2 * qk, 2 * qk, 2 * ex.ropeKernels));
      }
      // the K/V cache writes: two strided copies outside the compiled pieces
      double cw = cacheWrite * (2 + kvB);
      ops.add(Ops.elementwise("attn.cache_write", 0, cacheWrite * 2, cacheWrite * kvB, 2, cw));
    }
    attentionKernels(
        ops,
        s,
        window,
        suffix,
        heads,
        kvHeads,
        dh,
        dh,
        kvB,
        ex.decodeAttention,
        ex.prefillAttention,
        m.architecture().attentionSinks());
    ops.add(linear(c, "attn.o_proj", tokens, d, (long) heads * dh));
  }

  /**
   * MLA. Decode over the latent cache absorbs W^UK and W^UV (per-head batched GEMMs over the decode
   * tokens); prefill, and decode over the expanded cache, up-project with W^UKV (kv_b_proj) and run
   * multi-head attention, as vLLM's MLA backends split a mixed batch.
   */
  private static void mlaAttention(
      List<Op> ops, StepConfig c, StepComposition s, long window, String suffix) {
    ModelSpec m = c.model();
    MlaSpec a = m.mla();
    int tp = c.parallelism().tp();
    long tokens = s.tokens();
    long d = m.hiddenSize();
    int heads = m.numAttentionHeads() / tp;
    int qk = a.qkHeadDim();
    if (a.qLoraRank() != null) {
      ops.add(linear(c, "attn.q_a_proj", tokens, a.qLoraRank(), d));
      ops.add(norm("attn.q_a_norm", tokens, a.qLoraRank(), Execution.FUSED));
      ops.add(linear(c, "attn.q_b_proj", tokens, (long) heads * qk, a.qLoraRank()));
    } else {
      ops.add(linear(c, "attn.q_proj", tokens, (long) heads * qk, d));
    }
    ops.add(linear(c, "attn.kv_a_proj", tokens, a.latentElementsPerToken(), d));
    ops.add(norm("attn.kv_a_norm", tokens, a.kvLoraRank(), Execution.FUSED));
    double rope = (heads + 1.0) * a.qkRopeHeadDim() * tokens;
    ops.add(Ops.elementwise("attn.rope", 6 * rope, 2 * rope, 2 * rope, 1));
    boolean latent = s.decodes() > 0 && c.mlaLayout() == MlaLayout.LATENT;
    long expandedTokens = latent ? tokens - s.decodes() : tokens;
    StepComposition expanded = latent ? prefillPart(s) : s;
    if (expandedTokens > 0) {
      ops.add(
          linear(
              c,
              "attn.kv_b_proj",
              expandedTokens,
              (long) heads * (a.qkNopeHeadDim() + a.vHeadDim()),
              a.kvLoraRank()));
      attentionKernels(
          ops,
          expanded,
          window,
          suffix,
          heads,
          heads,
          qk,
          a.vHeadDim(),
          c.kvBytes(qk),
          c.execution().decodeAttention,
          c.execution().prefillAttention,
          false);
    }
    if (latent) {
      long decodes = s.decodes();
      double kvB = c.kvBytes(a.latentElementsPerToken());
      boolean mixed = expandedTokens > 0;
      ops.add(
          Ops.batchedGemm(
              "attn.absorb_uk",
              DType.BF16,
              heads,
              decodes,
              a.kvLoraRank(),
              a.qkNopeHeadDim(),
              2,
              2));
      ops.add(
          Ops.mlaDecode(
              named(mixed ? "decode_attention" : "attention", suffix),
              decodes,
              heads,
              a.kvLoraRank(),
              a.qkRopeHeadDim(),
              Math.min(s.decodeContext(), window),
              kvB));
      ops.add(
          Ops.batchedGemm(
              "attn.absorb_uv", DType.BF16, heads, decodes, a.vHeadDim(), a.kvLoraRank(), 2, 2));
    }
    ops.add(linear(c, "attn.o_proj", tokens, d, (long) heads * a.vHeadDim()));
  }

  /** The prefill chunks of {@code s} alone, or null when it has none. */
  private static StepComposition prefillPart(StepComposition s) {
    return s.prefills().isEmpty() ? null : new StepComposition(s.prefills(), 0, 0);
  }
}
