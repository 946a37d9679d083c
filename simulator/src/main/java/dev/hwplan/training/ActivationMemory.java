package dev.hwplan.training;

import dev.hwplan.model.MlaSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.MoeSpec;
import dev.hwplan.step.Execution;

/**
 * Activations a layer keeps for its backward, per micro-batch, following Korthikanti et al. 2022
 * (section 4, "Activation Memory"), generalised.
 *
 * <p>Korthikanti's GPT layer (h hidden, a heads, s sequence, b micro-batch, t TP; 16-bit
 * activations, 1-byte dropout masks) keeps {@code sbh(34 + 5as/h)} bytes: attention {@code 11sbh +
 * 5as^2b} (QKV input 2, Q and K 4, V 2, softmax output 2as^2b, its dropout mask as^2b and output
 * 2as^2b, output-projection input 2, dropout mask 1), MLP {@code 19sbh} (input 2, GeLU input 8,
 * second linear input 8, dropout mask 1) and two layernorm inputs {@code 4sbh}. With TP, {@code
 * 10sbh} (layernorm inputs, the two linear inputs behind them and the dropout masks) stays whole on
 * every rank and the rest divides by t; with sequence parallelism everything divides by t;
 * selective recompute drops the {@code 5as^2b} core-attention term; full recompute keeps only the
 * layer input {@code 2sbh} (divided by t with SP).
 *
 * <p>Generalised here: K and V are {@code 2 n_kv d_h} per token each (GQA, MQA), Q {@code 2 n_h
 * d_h}; FlashAttention stores no {@code s x s} term but a 4-byte log-sum-exp per head and token;
 * gated MLPs keep the gate/up output (the activation's input, {@code 4 ff}) and the down
 * projection's input ({@code 2 ff}), and eager PyTorch also the SiLU output ({@code 2 ff}); eager
 * RMSNorm keeps fp32 copies of its input and normalised output ({@code 8h} more each); MoE layers
 * keep per routed copy of a token the permuted input and the expert MLP's tensors ({@code k} times,
 * experts split over TP), and the router's fp32 logits; MLA keeps its compressed query and latent
 * (whole on every rank), and the up-projected Q, K and V. Context parallelism divides the tokens.
 * fp8 training stores the inputs of the linear layers in fp8 (1 byte).
 */
public final class ActivationMemory {
  private ActivationMemory() {}

  private static double mlp(double ff, boolean gated, double lin, Execution ex) {
    if (!gated) {
      return 2 * ff + lin * ff; // the activation's input and the second linear's input
    }
    return 4 * ff + lin * ff + (ex == Execution.EAGER ? 2 * ff : 0);
  }

  /**
   * Bytes one layer keeps for one micro-batch of {@code microBatch} sequences without recomputation
   * (or with selective recompute), on one GPU of a {@code tp} x {@code cp} group: per token, what
   * stays whole under TP (divided by t only with SP) and what TP splits.
   */
  public static double layerBytes(
      ModelSpec m,
      long microBatch,
      long seq,
      int tp,
      int cp,
      boolean sp,
      boolean moe,
      Recompute r,
      boolean flash,
      boolean dropout,
      Precision p,
      Execution ex) {
    double h = m.hiddenSize();
    double lin = p == Precision.FP8 ? 1 : 2;
    double mask = dropout ? h : 0;
    double normExtra = ex == Execution.EAGER ? 8 * h : 0;
    // layernorm inputs, the linear inputs behind them, dropout masks
    double rep = 2 * h + normExtra + lin * h + mask + 2 * h + normExtra + lin * h + mask;
    double split;
    int a = m.numAttentionHeads();
    MlaSpec mla = m.mla();
    if (mla != null) {
      if (mla.qLoraRank() != null) {
        rep += (2 + lin) * mla.qLoraRank(); // q_a output (norm input) and q_b input
      }
      rep += 2.0 * mla.latentElementsPerToken() + lin * mla.kvLoraRank();
      split = 2.0 * a * mla.qkHeadDim() * 2 + 2.0 * a * mla.vHeadDim() + lin * a * mla.vHeadDim();
    } else {
      double dh = m.headDim();
      split = 2 * a * dh + 4 * m.numKeyValueHeads() * dh + lin * a * dh;
    }
    if (flash) {
      split += 4.0 * a;
    } else if (r != Recompute.SELECTIVE) {
      // softmax output, and with dropout its mask and output: per token, over the keys it sees
      double keys = seq;
      split += (dropout ? 5.0 : 2.0) * a * keys;
    }
    boolean gated = m.architecture().gatedMlp();
    if (moe) {
      MoeSpec e = m.moe();
      double ff = e.moeIntermediateSize();
      int k = e.numExpertsPerTok();
      rep += 4.0 * e.nRoutedExperts() + k * (lin + 2) * h;
      split += k * mlp(ff, gated, lin, ex);
      if (e.nSharedExperts() > 0) {
        split += mlp((double) e.nSharedExperts() * ff, gated, lin, ex);
      }
    } else {
      split += mlp(m.intermediateSize(), gated, lin, ex);
    }
    double tokens = microBatch * (double) seq / cp;
    double replicated = sp && tp > 1 ? rep / tp : rep;
    return tokens * (replicated + split / tp);
  }

  /** Bytes a fully recomputed layer keeps: its 16-bit input, divided by t with SP. */
  public static double checkpointBytes(
      ModelSpec m, long microBatch, long seq, int tp, int cp, boolean sp) {
    double tokens = microBatch * (double) seq / cp;
    return tokens * 2.0 * m.hiddenSize() / (sp && tp > 1 ? tp : 1);
  }

  /**
   * The logits and cross-entropy of one micro-batch on the last stage, at their peak: Megatron-LM's
   * fused vocab-parallel cross-entropy keeps the bf16 logits and their fp32 softmax (6 bytes per
   * logit); plain PyTorch (Hugging Face: {@code logits.float()} then cross-entropy) holds the fp32
   * logits, the log-softmax it saves and, in the backward, the fp32 gradient (12 bytes). A chunked
   * loss materialises {@code chunkTokens} tokens' logits at a time.
   */
  public static double logitsBytes(
      ModelSpec m, long microBatch, long seq, int tp, int cp, boolean chunked, Execution ex) {
    double tokens = microBatch * (double) seq / cp;
    if (chunked) {
      tokens = Math.min(tokens, CHUNK_TOKENS);
    }
    double perLogit = ex == Execution.EAGER ? 12 : 6;
    return tokens * Math.ceil(m.vocabSize() / (double) tp) * perLogit;
  }

  /** Tokens per chunk of a chunked loss (Liger-Kernel's fused linear cross-entropy chunking). */
  public static final long CHUNK_TOKENS = 1024;
}
