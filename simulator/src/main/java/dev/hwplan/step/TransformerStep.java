package dev.hwplan.step;

import dev.hwplan.hardware.DType;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.MlaSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.MoeSpec;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
import dev.hwplan.op.ExpertRouting;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
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
    List<LayerSpec> layers = m.layers();
    boolean[] kindMoe = new boolean[layers.size()];
    long[] kindWindow = new long[layers.size()];
    int[] kindCount = new int[layers.size()];
    int kinds = 0;
    for (LayerSpec l : layers) {
      boolean moe = l.moe();
      long window = l.cachedTokens(maxContext); // maxContext: no window binds
      int k = 0;
      while (k < kinds && (kindMoe[k] != moe || kindWindow[k] != window)) {
        k++;
      }
      if (k == kinds) {
        kindMoe[k] = moe;
        kindWindow[k] = window;
        kinds++;
      }
      kindCount[k]++;
    }
    boolean windowed = false;
    for (int k = 1; k < kinds; k++) {
      windowed |= kindWindow[k] != kindWindow[0];
    }

    List<Op> ops = new ArrayList<>(4 + kinds * 24);
    ops.add(Ops.embedding("embedding", tokens, d, 2));
    // The attention half of a layer depends only on its window and the MLP half only on the MLP
    // kind: kinds that share a half share its Op instances (and so its shapes), which lets the
    // step model time such ops once.
    List<Op> attentionHalf = null;
    long attentionHalfWindow = -1;
    List<Op> denseHalf = null;
    List<Op> moeHalf = null;
    for (int k = 0; k < kinds; k++) {
      long window = kindWindow[k];
      int count = kindCount[k];
      if (attentionHalf == null || attentionHalfWindow != window) {
        String suffix = windowed && window < maxContext ? " (window " + window + ")" : "";
        attentionHalf = new ArrayList<>(16);
        attentionHalf.add(norm("attn_norm", tokens, d, ex));
        if (m.mla() != null) {
          mlaAttention(attentionHalf, c, s, window, suffix);
        } else {
          attention(attentionHalf, c, s, window, suffix);
        }
        residual(attentionHalf, tokens, d, ex);
        if (tp > 1) {
          attentionHalf.add(
              Ops.collective("attn.all_reduce", Collective.ALL_REDUCE, tp, tokens * d * 2.0));
        }
        attentionHalf.add(norm("mlp_norm", tokens, d, ex));
        attentionHalfWindow = window;
      }
      List<Op> mlpHalf = kindMoe[k] ? moeHalf : denseHalf;
      if (mlpHalf == null) {
        mlpHalf = new ArrayList<>(12);
        if (kindMoe[k]) {
          moe(mlpHalf, c, tokens);
        } else {
          mlp(mlpHalf, c, "mlp", tokens, m.intermediateSize());
        }
        residual(mlpHalf, tokens, d, ex);
        if (tp > 1) {
          mlpHalf.add(
              Ops.collective("mlp.all_reduce", Collective.ALL_REDUCE, tp, tokens * d * 2.0));
        }
        if (kindMoe[k]) {
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
    return new OpGraph(ops);
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
      AttentionKernel prefillKernel) {
    boolean mixed = s.prefills().size() + (s.decodes() > 0 ? 1 : 0) > 1;
    for (StepComposition.Prefill p : s.prefills()) {
      long newTokens = Math.min(p.tokens(), window);
      long prefix = Math.min(p.prefix(), window - newTokens);
      ops.add(
          Ops.prefillAttention(
              named(mixed ? "prefill_attention" : "attention", suffix),
              p.sequences(),
              heads,
              kvHeads,
              headDim,
              valueDim,
              newTokens,
              prefix,
              kvBytes,
              prefillKernel));
    }
    if (s.decodes() > 0) {
      ops.add(
          Ops.decodeAttention(
              named(mixed ? "decode_attention" : "attention", suffix),
              s.decodes(),
              heads,
              kvHeads,
              headDim,
              valueDim,
              Math.min(s.decodeContext(), window),
              kvBytes,
              decodeKernel));
    }
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
    double kvB = c.kvBytes(dh);
    double qk = (heads + kvHeads) * (double) dh * tokens;
    double cacheWrite = 2.0 * kvHeads * dh * tokens;
    if (ex != Execution.EAGER) {
      ops.add(
          Ops.elementwise("attn.rope_cache_write", 6 * qk, 2 * qk, 2 * qk + cacheWrite * kvB, 1));
    } else {
      ops.add(Ops.elementwise("attn.rope", 6 * qk, 10 * qk, 10 * qk, 2 * ex.ropeKernels));
      ops.add(Ops.elementwise("attn.cache_write", 0, cacheWrite * 2, cacheWrite * kvB, 2));
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
        ex.prefillAttention);
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
          c.execution().prefillAttention);
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

  private static void mlp(List<Op> ops, StepConfig c, String prefix, long tokens, long ff) {
    ModelSpec m = c.model();
    int tp = c.parallelism().tp();
    long d = m.hiddenSize();
    long ffRank = ceilDiv(ff, tp);
    boolean gated = m.architecture().gatedMlp();
    ops.add(
        linear(
            c,
            prefix + (gated ? ".gate_up_proj" : ".up_proj"),
            tokens,
            (gated ? 2 : 1) * ffRank,
            d));
    activation(ops, prefix, tokens, ffRank, gated, c.execution());
    ops.add(linear(c, prefix + ".down_proj", tokens, d, ffRank));
  }

  /**
   * An MoE block on one rank: router GEMM and top-k; the permute that groups the token rows by
   * expert and the unpermute that weights and sums them back (eager: sort, counts and gather, then
   * scale and index-add; fused: one kernel each); with expert parallelism ({@code ep > 1}, each
   * rank holding {@code E/ep} whole experts and running its own tokens' attention) an all-to-all
   * dispatch of the routed rows before the experts and an all-to-all combine after them; the routed
   * experts as grouped GEMMs over the busiest rank's rows ({@link Ops#routedExperts}); the shared
   * experts as a dense MLP.
   */
  private static void moe(List<Op> ops, StepConfig c, long tokens) {
    ModelSpec m = c.model();
    MoeSpec e = m.moe();
    int tp = c.parallelism().tp();
    int ep = c.parallelism().ep();
    Execution ex = c.execution();
    long d = m.hiddenSize();
    long ffRank = ceilDiv(e.moeIntermediateSize(), tp);
    boolean gated = m.architecture().gatedMlp();
    int topK = e.numExpertsPerTok();
    ops.add(Ops.gemm("moe.router", DType.BF16, tokens, e.nRoutedExperts(), d, 2, 2));
    ops.add(Ops.elementwise("moe.topk", 0, tokens * e.nRoutedExperts() * 4.0, tokens * 16.0, 1));
    long pairs = Math.multiplyExact(tokens, topK);
    long all = Math.multiplyExact(tokens, ep);
    double act = c.linearActivationBytes();
    double rowBytes = d * 2.0;
    boolean fused = ex != Execution.EAGER;
    ops.add(
        Ops.elementwise(
            "moe.permute", 0, pairs * (rowBytes + 8.0), pairs * (rowBytes + 8.0), fused ? 1 : 3));
    if (ep > 1) {
      ops.add(Ops.collective("moe.dispatch", Collective.ALL_TO_ALL, ep, pairs * d * act));
    }
    ops.add(
        Ops.routedExperts(
            "moe.experts.gate_up_proj",
            c.linearDtype(),
            e.nRoutedExperts(),
            topK,
            ep,
            all,
            (gated ? 2 : 1) * ffRank,
            d,
            act,
            c.weightBytes(d)));
    long rows = Math.max(1, (long) Math.ceil(ExpertRouting.expectedBusiestGroup(ep, topK, all)));
    activation(ops, "moe.experts", rows, ffRank, gated, ex);
    ops.add(
        Ops.routedExperts(
            "moe.experts.down_proj",
            c.linearDtype(),
            e.nRoutedExperts(),
            topK,
            ep,
            all,
            d,
            ffRank,
            act,
            c.weightBytes(ffRank)));
    if (ep > 1) {
      ops.add(Ops.collective("moe.combine", Collective.ALL_TO_ALL, ep, pairs * rowBytes));
    }
    ops.add(
        Ops.elementwise(
            "moe.unpermute",
            2.0 * pairs * d,
            pairs * (rowBytes + 4.0),
            tokens * rowBytes,
            fused ? 1 : 2));
    if (e.nSharedExperts() > 0) {
      mlp(ops, c, "moe.shared", tokens, (long) e.nSharedExperts() * e.moeIntermediateSize());
    }
  }

  private static Op linear(StepConfig c, String name, long tokens, long n, long k) {
    return Ops.gemm(
        name, c.linearDtype(), tokens, n, k, c.linearActivationBytes(), c.weightBytes(k));
  }

  /** RMSNorm: fused with the residual add it reads 4 and writes 4 bytes an element; eager, 36. */
  private static Op norm(String name, long tokens, long width, Execution ex) {
    double n = tokens * (double) width;
    if (ex != Execution.EAGER) {
      return Ops.elementwise(name, 4 * n, 4 * n + 2 * width, 4 * n, ex.normKernels);
    }
    return Ops.elementwise(name, 4 * n, 20 * n + 2 * width, 16 * n, ex.normKernels);
  }

  private static void residual(List<Op> ops, long tokens, long d, Execution ex) {
    if (ex.residualKernels > 0) {
      double n = tokens * (double) d;
      ops.add(Ops.elementwise("residual_add", n, 4 * n, 2 * n, ex.residualKernels));
    }
  }

  private static void activation(
      List<Op> ops, String prefix, long rows, long ff, boolean gated, Execution ex) {
    double n = rows * (double) ff;
    if (ex != Execution.EAGER || !gated) {
      ops.add(Ops.elementwise(prefix + ".act", 5 * n, (gated ? 4 : 2) * n, 2 * n, 1));
    } else {
      ops.add(Ops.elementwise(prefix + ".act", 5 * n, 6 * n, 4 * n, ex.activationKernels));
    }
  }

  private static String named(String name, String suffix) {
    return suffix.isEmpty() ? name : name + suffix;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
