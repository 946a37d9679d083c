package dev.hwplan.step;

import static dev.hwplan.step.LayerOps.ceilDiv;

import dev.hwplan.hardware.DType;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.MoeSpec;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * The op graphs of a training step on one GPU: one decoder layer's forward and backward for one
 * micro-batch, the head (final norm, logits, cross-entropy) and the embedding, and the optimizer.
 *
 * <ul>
 *   <li>Linear layers split as Megatron-LM does (Shoeybi et al. 2019). The backward of {@code
 *       Y[T,n] = X[T,k] W[n,k]^T} is two GEMMs of their own shapes: the data gradient {@code dX =
 *       dY W} ({@code T x k x n}) and the weight gradient {@code dW = dY^T X} ({@code n x k x T}).
 *   <li>FlashAttention (Dao 2022; Dao 2023, section 3.1): the forward runs the two matmuls, the
 *       backward five, so its FLOPs are 2.5 times the forward's; it reads Q, K, V, O, dO and the
 *       log-sum-exp and writes dQ, dK, dV. Without FlashAttention (Megatron-LM 2022) the scores are
 *       two batched GEMMs with a fused scale-mask-softmax(-dropout) kernel that writes the {@code s
 *       x s} probabilities; its backward is four batched GEMMs and the softmax backward.
 *   <li>Context parallelism (ring attention, load-balanced as Megatron-LM's zig-zag split): each of
 *       {@code cp} ranks holds {@code s/cp} queries and computes {@code 1/cp} of the causal pairs.
 *   <li>Sequence parallelism (Korthikanti et al. 2022): norms and dropouts run on {@code 1/tp} of
 *       the tokens; the TP all-reduce becomes an all-gather before and a reduce-scatter after each
 *       block (the same bytes on the ring).
 *   <li>Elementwise kernels move their tensors once (fused, as Megatron-LM/Transformer Engine run
 *       them); {@link Execution#EAGER} as plain PyTorch (train_step.py): RMSNorm in 8 kernels, RoPE
 *       in 5 per tensor, SiLU and the product apart, residual adds apart. A backward elementwise
 *       kernel reads the saved input and the incoming gradient and writes the outgoing gradient:
 *       twice the forward's traffic.
 * </ul>
 */
public final class TrainingStep {
  private TrainingStep() {}

  /**
   * What one micro-batch looks like on one GPU.
   *
   * @param microBatch sequences in the micro-batch
   * @param seq tokens per sequence (the whole sequence; CP splits it)
   * @param tp tensor parallel size
   * @param cp context parallel size
   * @param ep expert parallel size
   * @param sequenceParallel Megatron-LM sequence parallelism (with {@code tp > 1})
   * @param flashAttention FlashAttention (no {@code s x s} scores in memory)
   * @param dropout whether the model applies dropout (GPT-3 in Megatron-LM 2022; not Llama)
   * @param linearDtype the matrix type of the linear layers (BF16, or FP8 with Transformer Engine)
   */
  public record Shape(
      long microBatch,
      long seq,
      int tp,
      int cp,
      int ep,
      boolean sequenceParallel,
      boolean flashAttention,
      boolean dropout,
      DType linearDtype) {
    public Shape {
      if (microBatch <= 0 || seq <= 0 || tp <= 0 || cp <= 0 || ep <= 0) {
        throw new IllegalArgumentException("a training shape needs positive sizes");
      }
    }

    /** Tokens of the micro-batch on this GPU's CP rank. */
    public long tokens() {
      return microBatch * (seq / cp);
    }

    double actBytes() {
      return linearDtype == DType.FP8 ? 1.0 : 2.0;
    }

    /** Whether sequence parallelism is on: asked for, and a TP group to split over. */
    boolean sp() {
      return sequenceParallel && tp > 1;
    }

    /** Tokens an elementwise op outside the TP-split blocks sees: split over TP with SP. */
    long normTokens() {
      return sp() ? ceilDiv(tokens(), tp) : tokens();
    }
  }

  /**
   * One layer's ops for one micro-batch.
   *
   * @param forward the forward compute (GEMMs, attention, elementwise)
   * @param backward the backward compute (data and weight gradients, attention backward,
   *     elementwise backward)
   * @param attentionCore the forward's core attention alone (what selective recompute re-runs)
   * @param forwardComm the forward's TP collectives (all-reduces, or all-gathers and
   *     reduce-scatters with SP)
   * @param backwardComm the backward's TP collectives
   * @param cpExchangeBytes bytes of K and V each CP rank passes on per ring step (forward; the
   *     backward passes K, V and their gradients: twice)
   * @param cpSteps ring steps ({@code cp - 1})
   * @param epAllToAllBytes bytes of one MoE all-to-all (dispatch or combine) on this GPU; 0 for a
   *     dense layer
   */
  public record LayerOps(
      OpGraph forward,
      OpGraph backward,
      OpGraph attentionCore,
      OpGraph forwardComm,
      OpGraph backwardComm,
      double cpExchangeBytes,
      int cpSteps,
      double epAllToAllBytes) {}

  /** One decoder layer (dense or MoE) of {@code c}'s model for one micro-batch of {@code s}. */
  public static LayerOps layer(StepConfig c, Shape s, boolean moe, Execution ex) {
    ModelSpec m = c.model();
    long t = s.tokens();
    long d = m.hiddenSize();
    int tp = s.tp();
    boolean sp = s.sp();
    long normTokens = s.normTokens();
    List<Op> fwd = new ArrayList<>(24);
    List<Op> bwd = new ArrayList<>(40);
    List<Op> core = new ArrayList<>(4);
    boolean rope = !m.architecture().learnedPositions();

    elementwise(fwd, bwd, "attn_norm", norm(normTokens, d, ex));
    if (m.mla() != null) {
      TrainingAttention.mla(fwd, bwd, core, m, s, rope, ex);
    } else {
      TrainingAttention.attention(fwd, bwd, core, m, s, rope, ex);
    }
    if (s.dropout()) {
      elementwise(fwd, bwd, "attn.dropout_add", dropoutAdd(normTokens, d));
    } else if (ex.residualKernels > 0) {
      elementwise(fwd, bwd, "attn.residual_add", residual(normTokens, d, ex));
    }
    elementwise(fwd, bwd, "mlp_norm", norm(normTokens, d, ex));
    double a2a = 0;
    if (moe) {
      a2a = moe(fwd, bwd, c, s, ex);
    } else {
      mlp(fwd, bwd, c, s, "mlp", m.intermediateSize(), t, ex);
    }
    if (s.dropout()) {
      elementwise(fwd, bwd, "mlp.dropout_add", dropoutAdd(normTokens, d));
    } else if (ex.residualKernels > 0) {
      elementwise(fwd, bwd, "mlp.residual_add", residual(normTokens, d, ex));
    }

    List<Op> fc = new ArrayList<>(4);
    List<Op> bc = new ArrayList<>(4);
    if (tp > 1) {
      double bytes = t * (double) d * 2.0; // bf16 activations on the wire
      if (sp) {
        fc.add(Ops.collective("tp.all_gather", Collective.ALL_GATHER, tp, bytes).times(2));
        fc.add(Ops.collective("tp.reduce_scatter", Collective.REDUCE_SCATTER, tp, bytes).times(2));
        bc.add(Ops.collective("tp.all_gather", Collective.ALL_GATHER, tp, bytes).times(2));
        bc.add(Ops.collective("tp.reduce_scatter", Collective.REDUCE_SCATTER, tp, bytes).times(2));
      } else {
        fc.add(Ops.collective("tp.all_reduce", Collective.ALL_REDUCE, tp, bytes).times(2));
        bc.add(Ops.collective("tp.all_reduce", Collective.ALL_REDUCE, tp, bytes).times(2));
      }
    }
    double cpBytes = 0;
    if (s.cp() > 1) {
      int kvElems =
          m.mla() != null
              ? m.numAttentionHeads() / tp * (m.mla().qkHeadDim() + m.mla().vHeadDim())
              : 2 * Math.max(1, m.numKeyValueHeads() / tp) * m.headDim();
      cpBytes = t * (double) kvElems * 2.0;
    }
    return new LayerOps(
        new OpGraph(fwd),
        new OpGraph(bwd),
        new OpGraph(core),
        new OpGraph(fc),
        new OpGraph(bc),
        cpBytes,
        s.cp() - 1,
        a2a);
  }

  /**
   * The head for one micro-batch: final norm, the logits GEMM over the vocabulary split by TP,
   * cross-entropy in fp32 (Megatron-LM's vocab-parallel cross-entropy: the logits read and written
   * in fp32 a few times), and their backward. The embedding lookup and its backward (a scatter-add
   * of the gradient rows) are in {@link #embedding}.
   */
  public static LayerOps head(StepConfig c, Shape s, Execution ex) {
    ModelSpec m = c.model();
    long t = s.tokens();
    long d = m.hiddenSize();
    int tp = s.tp();
    List<Op> fwd = new ArrayList<>(8);
    List<Op> bwd = new ArrayList<>(8);
    elementwise(fwd, bwd, "final_norm", norm(s.normTokens(), d, ex));
    long v = ceilDiv(m.vocabSize(), tp);
    linear(fwd, bwd, "logits", t, v, d, DType.BF16, 2.0);
    // Cross-entropy: upcast to fp32, max, exp-sum, log-softmax gathered at the labels (forward);
    // softmax minus one-hot, cast back to bf16 (backward).
    double n = t * (double) v;
    fwd.add(
        Ops.elementwise(
            "cross_entropy", 5 * n, 2 * n + 8 * n, 4 * n, ex == Execution.EAGER ? 4 : 2));
    bwd.add(
        Ops.elementwise(
            "cross_entropy.backward",
            3 * n,
            4 * n + 4 * n,
            4 * n + 2 * n,
            ex == Execution.EAGER ? 4 : 2));
    List<Op> fc = new ArrayList<>(2);
    List<Op> bc = new ArrayList<>(2);
    if (tp > 1) {
      double bytes = t * (double) d * 2.0;
      // with SP, the final norm's output is all-gathered and the input gradient reduce-scattered;
      // without, the input gradient is all-reduced. Cross-entropy's max and sum all-reduces are
      // t floats each.
      if (s.sp()) {
        fc.add(Ops.collective("head.all_gather", Collective.ALL_GATHER, tp, bytes));
        bc.add(Ops.collective("head.reduce_scatter", Collective.REDUCE_SCATTER, tp, bytes));
      } else {
        bc.add(Ops.collective("head.all_reduce", Collective.ALL_REDUCE, tp, bytes));
      }
      fc.add(Ops.collective("cross_entropy.all_reduce", Collective.ALL_REDUCE, tp, t * 12.0));
    }
    return new LayerOps(
        new OpGraph(fwd),
        new OpGraph(bwd),
        new OpGraph(List.of()),
        new OpGraph(fc),
        new OpGraph(bc),
        0,
        0,
        0);
  }

  /** The embedding lookup and the scatter-add of its gradient, for one micro-batch. */
  public static LayerOps embedding(StepConfig c, Shape s) {
    ModelSpec m = c.model();
    long t = s.tokens();
    long d = m.hiddenSize();
    List<Op> fwd = List.of(Ops.embedding("embedding", t, d, 2));
    List<Op> bwd =
        List.of(Ops.elementwise("embedding.backward", t * (double) d, t * d * 6.0, t * d * 4.0, 1));
    List<Op> fc = new ArrayList<>(1);
    if (s.tp() > 1) {
      // the vocab-parallel embedding all-reduces (SP: reduce-scatters) its output
      fc.add(
          Ops.collective(
              "embedding.all_reduce",
              s.sequenceParallel() ? Collective.REDUCE_SCATTER : Collective.ALL_REDUCE,
              s.tp(),
              t * (double) d * 2.0));
    }
    return new LayerOps(
        new OpGraph(fwd),
        new OpGraph(bwd),
        new OpGraph(List.of()),
        new OpGraph(fc),
        new OpGraph(List.of()),
        0,
        0,
        0);
  }

  /**
   * The optimizer update of {@code params} parameters on this GPU as one memory-bound pass moving
   * {@code bytesPerParam} bytes a parameter (what the training planner's precision says Adam reads
   * and writes), in {@code kernels} launches.
   */
  public static OpGraph optimizer(double params, double bytesPerParam, int kernels) {
    double b = params * bytesPerParam;
    return new OpGraph(
        List.of(Ops.elementwise("optimizer.adam", params * 10.0, b * 4 / 7, b * 3 / 7, kernels)));
  }

  /**
   * The backward of causal FlashAttention over {@code tokens} queries after {@code prefix} keys,
   * alone (what the planner's attention calibration compares with measurements).
   */
  public static OpGraph attentionBackward(
      long batch, int heads, int kvHeads, int dk, int dv, long tokens, long prefix) {
    List<Op> fwd = new ArrayList<>(1);
    List<Op> bwd = new ArrayList<>(2);
    List<Op> core = new ArrayList<>(1);
    TrainingAttention.flashAttention(
        fwd, bwd, core, batch, tokens, prefix, heads, kvHeads, dk, dv, AttentionKernel.SDPA_FLASH);
    return new OpGraph(bwd);
  }

  /** Memory-bound work moving these bytes in {@code kernels} launches (casts, copies). */
  public static OpGraph elementwise(String name, double read, double written, int kernels) {
    return new OpGraph(List.of(Ops.elementwise(name, 0, read, written, kernels)));
  }

  /** A collective of {@code bytes} over {@code gpus} GPUs on the GPU's own scale-up link. */
  public static OpGraph collective(Collective c, int gpus, double bytes) {
    return new OpGraph(List.of(Ops.collective(c.key(), c, gpus, bytes)));
  }

  // ---- MLP ----

  private static void mlp(
      List<Op> fwd,
      List<Op> bwd,
      StepConfig c,
      Shape s,
      String prefix,
      long ff,
      long rows,
      Execution ex) {
    ModelSpec m = c.model();
    long d = m.hiddenSize();
    long ffRank = ceilDiv(ff, s.tp());
    boolean gated = m.architecture().gatedMlp();
    linear(
        fwd,
        bwd,
        prefix + (gated ? ".gate_up_proj" : ".up_proj"),
        rows,
        (gated ? 2 : 1) * ffRank,
        d,
        s.linearDtype(),
        s.actBytes());
    elementwise(fwd, bwd, prefix + ".act", activation(prefix, rows, ffRank, gated, ex));
    linear(fwd, bwd, prefix + ".down_proj", rows, d, ffRank, s.linearDtype(), s.actBytes());
  }

  /** The MoE block; returns the bytes of one all-to-all on this GPU (0 without EP). */
  private static double moe(List<Op> fwd, List<Op> bwd, StepConfig c, Shape s, Execution ex) {
    ModelSpec m = c.model();
    MoeSpec e = m.moe();
    long t = s.tokens();
    long d = m.hiddenSize();
    long ffRank = ceilDiv(e.moeIntermediateSize(), s.tp());
    boolean gated = m.architecture().gatedMlp();
    linear(fwd, bwd, "moe.router", t, e.nRoutedExperts(), d, DType.BF16, 2.0);
    elementwise(
        fwd,
        bwd,
        "moe.topk",
        Ops.elementwise("moe.topk", 0, t * e.nRoutedExperts() * 4.0, t * 16.0, 1));
    long rows = Math.multiplyExact(t, e.numExpertsPerTok());
    int localExperts = Math.max(1, e.nRoutedExperts() / s.ep());
    double ab = s.actBytes();
    // permutation into expert order and back (a gather and a scatter of the routed rows)
    elementwise(
        fwd,
        bwd,
        "moe.permute",
        Ops.elementwise("moe.permute", 0, rows * d * 2.0 * 2, rows * d * 2.0 * 2, 2));
    groupedLinear(
        fwd,
        bwd,
        "moe.experts.gate_up_proj",
        localExperts,
        rows,
        (gated ? 2 : 1) * ffRank,
        d,
        s.linearDtype(),
        ab);
    elementwise(fwd, bwd, "moe.experts.act", activation("moe.experts", rows, ffRank, gated, ex));
    groupedLinear(
        fwd, bwd, "moe.experts.down_proj", localExperts, rows, d, ffRank, s.linearDtype(), ab);
    if (e.nSharedExperts() > 0) {
      mlp(fwd, bwd, c, s, "moe.shared", (long) e.nSharedExperts() * e.moeIntermediateSize(), t, ex);
    }
    return s.ep() > 1 ? rows * (double) d * 2.0 : 0;
  }

  // ---- building blocks ----

  static void linear(
      List<Op> fwd, List<Op> bwd, String name, long t, long n, long k, DType dt, double ab) {
    fwd.add(Ops.gemm(name, dt, t, n, k, ab, ab));
    bwd.add(Ops.gemm(name + ".dgrad", dt, t, k, n, ab, ab));
    bwd.add(Ops.gemm(name + ".wgrad", dt, n, k, t, ab, ab));
  }

  static void groupedLinear(
      List<Op> fwd,
      List<Op> bwd,
      String name,
      int experts,
      long rows,
      long n,
      long k,
      DType dt,
      double ab) {
    fwd.add(Ops.groupedGemm(name, dt, experts, rows, n, k, 1.0, ab, ab));
    bwd.add(Ops.groupedGemm(name + ".dgrad", dt, experts, rows, k, n, 1.0, ab, ab));
    // the weight gradient of each expert: n x k over its rows; as a grouped GEMM of the experts
    long perExpert = Math.max(1, rows / experts);
    bwd.add(Ops.balancedGroupedGemm(name + ".wgrad", dt, experts, n, k, perExpert, ab, ab));
  }

  /** The forward op and its backward: the backward reads the input and the gradient, writes one. */
  static void elementwise(List<Op> fwd, List<Op> bwd, String name, Op f) {
    fwd.add(f);
    int kernels = ((OpShape.Elementwise) f.shape()).kernels();
    bwd.add(
        Ops.elementwise(
            name + ".backward",
            2 * f.flops(),
            f.bytesRead() + f.bytesWritten(),
            f.bytesRead(),
            kernels));
  }

  static Op norm(long tokens, long width, Execution ex) {
    double n = tokens * (double) width;
    if (ex == Execution.EAGER) {
      return Ops.elementwise("norm", 4 * n, 20 * n + 2 * width, 16 * n, ex.normKernels);
    }
    return Ops.elementwise("norm", 4 * n, 2 * n + 2 * width, 2 * n, 1);
  }

  static Op residual(long tokens, long d, Execution ex) {
    double n = tokens * (double) d;
    return Ops.elementwise("residual_add", n, 4 * n, 2 * n, ex.residualKernels);
  }

  /** Bias, dropout and residual add fused (Megatron-LM): writes the output and a 1-byte mask. */
  static Op dropoutAdd(long tokens, long d) {
    double n = tokens * (double) d;
    return Ops.elementwise("dropout_add", 3 * n, 4 * n, 3 * n, 1);
  }

  static Op activation(String prefix, long rows, long ff, boolean gated, Execution ex) {
    double n = rows * (double) ff;
    if (!gated) {
      return Ops.elementwise(prefix + ".act", 8 * n, 2 * n, 2 * n, 1);
    }
    if (ex == Execution.EAGER) {
      return Ops.elementwise(prefix + ".act", 5 * n, 6 * n, 4 * n, ex.activationKernels);
    }
    return Ops.elementwise(prefix + ".act", 5 * n, 4 * n, 2 * n, 1);
  }
}
