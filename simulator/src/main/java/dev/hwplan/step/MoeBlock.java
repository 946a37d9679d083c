package dev.hwplan.step;

import static dev.hwplan.step.LayerOps.activation;
import static dev.hwplan.step.LayerOps.ceilDiv;
import static dev.hwplan.step.LayerOps.mlp;

import dev.hwplan.hardware.DType;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.MoeSpec;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import java.util.List;

/**
 * The op graph of an MoE layer's expert block on one rank, as {@link TransformerStep} places it
 * after the attention half.
 */
final class MoeBlock {
  private MoeBlock() {}

  /**
   * Kernels of the MoE routing per layer as PyTorch runs it ({@code
   * kernels/cuda/scripts/step_forms.py}: argsort of the top-k expert ids, gather, two {@code
   * torch._grouped_mm}, weight, {@code index_add_}), counted in the Mixtral kernel profiles of
   * {@code kernels/cuda/results/h200-sxm/steps-eager-fused.json} (batch 128). Top-k: eager softmax,
   * {@code gatherTopK}, bitonic sort, sum and divide (5); compiled an Inductor softmax, {@code
   * gatherTopK}, bitonic sort and an Inductor divide (4).
   */
  static final int TOPK_KERNELS_EAGER = 5;

  static final int TOPK_KERNELS_FUSED = 4;

  /**
   * Permute: eager radix sort, 2 fills, arange, a compare, a 2-kernel scan (counts to offsets), 2
   * scatter-adds (the histogram), the row gather and {@code prepare_grouped_gemm_data} for each of
   * the 2 grouped GEMMs (12); compiled the radix sort, Inductor histogram (2), cumsum and
   * index-select, arange and the 2 {@code prepare_grouped_gemm_data} (8).
   */
  static final int PERMUTE_KERNELS_EAGER = 12;

  static final int PERMUTE_KERNELS_FUSED = 8;

  /**
   * Unpermute: the zeroed output and the weighting multiply (2, both forms), then the sum back into
   * token order ({@link #SCATTER_ADD_SECTOR_BYTES}).
   */
  static final int UNPERMUTE_KERNELS = 2;

  /**
   * The sum of the weighted expert rows back into token order. PyTorch's {@code index_add_} (eager
   * and compiled: Inductor leaves it to ATen's {@code indexFuncLargeIndex}) adds every bf16 element
   * with its own atomic, and each atomic moves a 32-byte L2 sector: timed as a copy of 32 bytes an
   * element. The training profiles of {@code
   * kernels/cuda/results/h200-sxm/step-profiles-train.json} (H200, Mixtral-8x7B, 4 layers) measure
   * it at 135 / 300 / 608 us a layer for 4096 / 8192 / 16384 rows of 4096 (a plain copy of those
   * bytes: 17 / 34 / 67 us). A serving engine ({@link Execution#FUSED}) reduces the top-k rows of a
   * token in one pass without atomics.
   */
  static final double SCATTER_ADD_SECTOR_BYTES = 32;

  /**
   * An MoE block on one rank: router GEMM and top-k; the permute that groups the token rows by
   * expert and the unpermute that weights and sums them back (kernel counts as PyTorch runs them,
   * {@link #PERMUTE_KERNELS_EAGER}); with expert parallelism ({@code ep > 1}, each rank holding
   * {@code E/ep} whole experts and running its own tokens' attention) an all-to-all dispatch of the
   * routed rows before the experts and an all-to-all combine after them (none where the experts are
   * sharded whole over the TP ranks, {@link Parallelism#expertsOnTp}: each rank runs the rows of
   * every token routed to its {@code E/tp} experts, and the TP all-reduce after the block sums the
   * ranks' partial outputs); the routed experts as grouped GEMMs over the busiest rank's rows
   * ({@link Ops#routedExperts}), their rows spread across the experts with the step's {@code
   * dispersion} ({@link dev.hwplan.op.ExpertRouting#rowsDispersion}); the shared experts as a dense
   * MLP.
   */
  static void add(List<Op> ops, StepConfig c, long tokens, double dispersion) {
    ModelSpec m = c.model();
    MoeSpec e = m.moe();
    Parallelism par = c.parallelism();
    int ep = par.ep();
    Execution ex = c.execution();
    long d = m.hiddenSize();
    long ffRank = ceilDiv(e.moeIntermediateSize(), par.expertTp());
    boolean gated = m.architecture().gatedMlp();
    int topK = e.numExpertsPerTok();
    ops.add(Ops.gemm("moe.router", DType.BF16, tokens, e.nRoutedExperts(), d, 2, 2));
    boolean fused = ex != Execution.EAGER;
    ops.add(
        Ops.elementwise(
            "moe.topk",
            0,
            tokens * e.nRoutedExperts() * 4.0,
            tokens * 16.0,
            fused ? TOPK_KERNELS_FUSED : TOPK_KERNELS_EAGER));
    long pairs = Math.multiplyExact(tokens, topK);
    // The tokens of all the ranks the experts are sharded over: EP ranks each bring their own;
    // TP ranks holding experts whole see the same tokens.
    long all = par.expertsOnTp() ? tokens : Math.multiplyExact(tokens, ep);
    double act = c.linearActivationBytes();
    double rowBytes = d * 2.0;
    ops.add(
        Ops.elementwise(
            "moe.permute",
            0,
            pairs * (rowBytes + 8.0),
            pairs * (rowBytes + 8.0),
            fused ? PERMUTE_KERNELS_FUSED : PERMUTE_KERNELS_EAGER));
    if (ep > 1) {
      ops.add(Ops.collective("moe.dispatch", Collective.ALL_TO_ALL, ep, pairs * d * act));
    }
    Ops.ExpertLoad load = StepTimes.expertLoad(e.nRoutedExperts(), topK, par.expertShards(), all);
    ops.add(
        Ops.routedExperts(
            "moe.experts.gate_up_proj",
            c.linearDtype(),
            load,
            (gated ? 2 : 1) * ffRank,
            d,
            act,
            c.expertWeightBytes(d),
            dispersion));
    long rows = load.rows();
    activation(ops, "moe.experts", rows, ffRank, gated, ex);
    if (m.architecture().clampedSwiglu()) {
      // gpt-oss: the gate clamped above, the linear input clamped both ways and offset by 1.
      Op clamp = ops.remove(ops.size() - 1);
      ops.add(
          new Op(
              clamp.name(),
              clamp.kind(),
              clamp.dtype(),
              clamp.flops() + 4.0 * rows * ffRank,
              clamp.bytesRead(),
              clamp.bytesWritten(),
              clamp.count(),
              clamp.shape()));
    }
    ops.add(
        Ops.routedExperts(
            "moe.experts.down_proj",
            c.linearDtype(),
            load,
            d,
            ffRank,
            act,
            c.expertWeightBytes(ffRank),
            dispersion));
    if (ep > 1) {
      ops.add(Ops.collective("moe.combine", Collective.ALL_TO_ALL, ep, pairs * rowBytes));
    }
    ops.add(
        Ops.elementwise(
            "moe.unpermute",
            pairs * (double) d,
            pairs * (rowBytes + 4.0),
            pairs * rowBytes + tokens * rowBytes,
            UNPERMUTE_KERNELS));
    ops.add(
        Ops.elementwise(
            "moe.scatter_add",
            pairs * (double) d,
            pairs * (rowBytes + 8.0),
            pairs * d * (ex == Execution.FUSED ? 2.0 : SCATTER_ADD_SECTOR_BYTES),
            1));
    if (e.nSharedExperts() > 0) {
      mlp(ops, c, "moe.shared", tokens, (long) e.nSharedExperts() * e.moeIntermediateSize());
    }
  }
}
