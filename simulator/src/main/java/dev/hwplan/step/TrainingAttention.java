package dev.hwplan.step;

import dev.hwplan.hardware.DType;
import dev.hwplan.model.MlaSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpKind;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.op.Phase;
import dev.hwplan.step.TrainingStep.Shape;
import java.util.List;

/**
 * The attention block of {@link TrainingStep}'s decoder layer: the QKV and output projections split
 * by TP, RoPE, and the core (FlashAttention, Dao 2022/2023, or Megatron-LM 2022's unfused scores
 * with scale-mask-softmax), with GQA and MLA (DeepSeek-V2's latent projections), context
 * parallelism's share of the causal pairs, and their backward ops.
 */
final class TrainingAttention {
  private TrainingAttention() {}

  static void attention(
      List<Op> fwd, List<Op> bwd, List<Op> core, ModelSpec m, Shape s, boolean rope, Execution ex) {
    long t = s.tokens();
    long d = m.hiddenSize();
    int tp = s.tp();
    int dh = m.headDim();
    int heads = m.numAttentionHeads() / tp;
    int kvHeads = Math.max(1, m.numKeyValueHeads() / tp);
    TrainingStep.linear(
        fwd,
        bwd,
        "attn.qkv_proj",
        t,
        (long) (heads + 2 * kvHeads) * dh,
        d,
        s.linearDtype(),
        s.actBytes());
    if (rope) {
      double qk = (heads + kvHeads) * (double) dh * t;
      int kernels = ex == Execution.EAGER ? 2 * ex.ropeKernels : 1;
      double traffic = ex == Execution.EAGER ? 10 * qk : 2 * qk;
      TrainingStep.elementwise(
          fwd, bwd, "attn.rope", Ops.elementwise("attn.rope", 6 * qk, traffic, traffic, kernels));
    }
    coreAttention(fwd, bwd, core, s, heads, kvHeads, dh, dh, trainingAttention(ex));
    TrainingStep.linear(
        fwd, bwd, "attn.o_proj", t, d, (long) heads * dh, s.linearDtype(), s.actBytes());
  }

  static void mla(
      List<Op> fwd, List<Op> bwd, List<Op> core, ModelSpec m, Shape s, boolean rope, Execution ex) {
    MlaSpec a = m.mla();
    long t = s.tokens();
    long d = m.hiddenSize();
    int heads = m.numAttentionHeads() / s.tp();
    DType dt = s.linearDtype();
    double ab = s.actBytes();
    if (a.qLoraRank() != null) {
      TrainingStep.linear(fwd, bwd, "attn.q_a_proj", t, a.qLoraRank(), d, dt, ab);
      TrainingStep.elementwise(
          fwd, bwd, "attn.q_a_norm", TrainingStep.norm(t, a.qLoraRank(), Execution.FUSED));
      TrainingStep.linear(
          fwd, bwd, "attn.q_b_proj", t, (long) heads * a.qkHeadDim(), a.qLoraRank(), dt, ab);
    } else {
      TrainingStep.linear(fwd, bwd, "attn.q_proj", t, (long) heads * a.qkHeadDim(), d, dt, ab);
    }
    TrainingStep.linear(fwd, bwd, "attn.kv_a_proj", t, a.latentElementsPerToken(), d, dt, ab);
    TrainingStep.elementwise(
        fwd, bwd, "attn.kv_a_norm", TrainingStep.norm(t, a.kvLoraRank(), Execution.FUSED));
    TrainingStep.linear(
        fwd,
        bwd,
        "attn.kv_b_proj",
        t,
        (long) heads * (a.qkNopeHeadDim() + a.vHeadDim()),
        a.kvLoraRank(),
        dt,
        ab);
    double r = (heads + 1.0) * a.qkRopeHeadDim() * t;
    TrainingStep.elementwise(
        fwd, bwd, "attn.rope", Ops.elementwise("attn.rope", 6 * r, 2 * r, 2 * r, 1));
    coreAttention(
        fwd, bwd, core, s, heads, heads, a.qkHeadDim(), a.vHeadDim(), trainingAttention(ex));
    TrainingStep.linear(fwd, bwd, "attn.o_proj", t, d, (long) heads * a.vHeadDim(), dt, ab);
  }

  /**
   * Causal attention of one CP rank: {@code s/cp} queries per sequence over the pairs of a
   * load-balanced split ({@code 1/cp} of the causal pairs), as a prefill of {@code s/cp} tokens
   * after an average prefix of {@code (s - s/cp)/2}.
   */
  private static void coreAttention(
      List<Op> fwd,
      List<Op> bwd,
      List<Op> core,
      Shape s,
      int heads,
      int kvHeads,
      int dk,
      int dv,
      AttentionKernel kernel) {
    long local = s.seq() / s.cp();
    long prefix = (s.seq() - local) / 2;
    long b = s.microBatch();
    if (s.flashAttention()) {
      flashAttention(fwd, bwd, core, b, local, prefix, heads, kvHeads, dk, dv, kernel);
      return;
    }
    megatronAttention(fwd, bwd, core, s, b, local, prefix, heads, dk, dv);
  }

  static void flashAttention(
      List<Op> fwd,
      List<Op> bwd,
      List<Op> core,
      long b,
      long local,
      long prefix,
      int heads,
      int kvHeads,
      int dk,
      int dv,
      AttentionKernel kernel) {
    {
      Op f = Ops.prefillAttention("attention", b, heads, kvHeads, dk, dv, local, prefix, 2, kernel);
      fwd.add(f);
      core.add(f);
      OpShape.Attention a = (OpShape.Attention) f.shape();
      double q = b * (double) local * heads * dk * 2;
      double kv = b * (double) (prefix + local) * kvHeads * ((long) dk + dv) * 2;
      double o = b * (double) local * heads * dv * 2;
      double lse = b * (double) local * heads * 4;
      // FlashAttention-2 backward: recomputes S and P per block (QK^T), then dV = P^T dO, dP = dO
      // V^T, dS, dQ = dS K, dK = dS^T Q: five matmuls against the forward's two (Dao 2023).
      bwd.add(
          new Op(
              "attention.backward",
              OpKind.ATTENTION_BACKWARD,
              DType.BF16,
              f.flops() * 2.5,
              q + kv + 2 * o + lse,
              q + kv,
              1,
              new OpShape.Attention(
                  Phase.PREFILL,
                  a.batch(),
                  a.heads(),
                  a.kvHeads(),
                  a.headDim(),
                  a.valueDim(),
                  a.context(),
                  a.queryTokens(),
                  a.kvBytes(),
                  a.kernel())));
      // the preprocessing kernel D = rowsum(dO * O)
      bwd.add(Ops.elementwise("attention.backward_dot", 2 * o / 2, 2 * o, lse, 1));
    }
  }

  /**
   * The fused attention kernel training runs in {@code ex}: plain PyTorch (eager) SDPA's flash
   * backend (FlashAttention-2); a fused training stack (Transformer Engine on Hopper) cuDNN's fused
   * flash attention. Both are timed by the calibrated prefill-attention model, forward and
   * backward.
   */
  static AttentionKernel trainingAttention(Execution ex) {
    return ex == Execution.EAGER ? AttentionKernel.SDPA_FLASH : AttentionKernel.CUDNN;
  }

  private static void megatronAttention(
      List<Op> fwd,
      List<Op> bwd,
      List<Op> core,
      Shape s,
      long b,
      long local,
      long prefix,
      int heads,
      int dk,
      int dv) {
    // Megatron-LM 2022: baddbmm for Q K^T, fused scale-mask-softmax(-dropout), bmm for P V; the
    // whole s x s score matrix per (sequence, head). With CP, each rank's share of the pairs.
    int groups = (int) Math.min(Integer.MAX_VALUE, b * heads);
    long keys = prefix + local;
    Op qk = Ops.batchedGemm("attention.qk", DType.BF16, groups, local, keys, dk, 2, 2);
    double scores = groups * (double) local * keys;
    Op softmax =
        Ops.elementwise(
            "attention.softmax", 5 * scores, 2 * scores, (s.dropout() ? 5 : 2) * scores, 1);
    Op pv = Ops.batchedGemm("attention.pv", DType.BF16, groups, local, dv, keys, 2, 2);
    fwd.add(qk);
    fwd.add(softmax);
    fwd.add(pv);
    core.add(qk);
    core.add(softmax);
    core.add(pv);
    // backward: dP = dO V^T, dV = P^T dO, softmax backward, dQ = dS K, dK = dS^T Q
    bwd.add(Ops.batchedGemm("attention.dp", DType.BF16, groups, local, keys, dv, 2, 2));
    bwd.add(Ops.batchedGemm("attention.dv", DType.BF16, groups, keys, dv, local, 2, 2));
    bwd.add(
        Ops.elementwise(
            "attention.softmax.backward",
            4 * scores,
            (s.dropout() ? 5 : 4) * scores,
            2 * scores,
            1));
    bwd.add(Ops.batchedGemm("attention.dq", DType.BF16, groups, local, dk, keys, 2, 2));
    bwd.add(Ops.batchedGemm("attention.dk", DType.BF16, groups, keys, dk, local, 2, 2));
  }
}
