package dev.hwplan.training;

import static dev.hwplan.training.TrainingPlanner.ACTIVATIONS;
import static dev.hwplan.training.TrainingPlanner.ALLOCATOR;
import static dev.hwplan.training.TrainingPlanner.BUFFERS;
import static dev.hwplan.training.TrainingPlanner.GRADIENTS;
import static dev.hwplan.training.TrainingPlanner.LOGITS;
import static dev.hwplan.training.TrainingPlanner.OPT_STATE;
import static dev.hwplan.training.TrainingPlanner.PEAK;
import static dev.hwplan.training.TrainingPlanner.STAGE;
import static dev.hwplan.training.TrainingPlanner.WEIGHTS;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.step.Execution;

/**
 * The peak memory per GPU of a layout: weights, gradients and optimizer state as the ZeRO stage
 * shards them, activations (Korthikanti et al. 2022, {@link ActivationMemory}) times the
 * micro-batches in flight under 1F1B or interleaved 1F1B, the logits on the last stage, gather and
 * autocast buffers, and the caching allocator's overhead; the most loaded of the first, last and
 * (with an uneven split) second stage.
 */
record StageMemory(TrainingJob job, LayerCosts costs, StageParams params) {

  /** The peak memory of the most loaded stage of {@code l} into {@code o}'s memory slots. */
  void write(LayoutCursor l, long mbs, double[] o) {
    ModelSpec m = job.model();
    LayerCost dense = costs.get(l, false, LayerCosts.LAYER);
    LayerCost moe = m.moe() != null ? costs.get(l, true, LayerCosts.LAYER) : dense;
    LayerCost headC = costs.get(l, false, LayerCosts.HEAD);
    Precision pr = job.precision();
    int pp = l.pp;
    int vpp = l.vpp;
    int zero = l.zero;
    Recompute rec = l.recompute;
    double denseShard = l.shardGroup();
    double expertShard = expertShard(l);
    double worst = -1;
    for (int k : params.candidateStages(pp)) {
      int n = params.stageLayers(k, pp);
      int nMoe = params.stageMoeLayers(k, pp);
      int nDense = n - nMoe;
      double pd = params.stageDense(k, l.tp, pp);
      double pe = params.stageExpert(k, l.tp, pp, l.ep);
      double w = sharded(zero >= 3, pd, pe, pr.weightBytes, denseShard, expertShard);
      double g = sharded(zero >= 2, pd, pe, pr.gradBytes, denseShard, expertShard);
      double os =
          l.offload ? 0 : sharded(zero >= 1, pd, pe, pr.optimizerBytes, denseShard, expertShard);
      double layerDense = rec == Recompute.SELECTIVE ? dense.actSelective() : dense.actNone();
      double layerMoe = rec == Recompute.SELECTIVE ? moe.actSelective() : moe.actNone();
      double perMb = nDense * layerDense + nMoe * layerMoe;
      double oneLayer = Math.max(nDense > 0 ? dense.actNone() : 0, nMoe > 0 ? moe.actNone() : 0);
      if (rec == Recompute.FULL) {
        perMb = n * dense.checkpoint();
      }
      // micro-batches in flight on stage k under 1F1B: p - k (at most m). Interleaved, in model
      // chunks of n/v layers: the warm-up of Megatron-LM's schedule (get_pp_rank_microbatches in
      // megatron/core/pipeline_parallel/schedules.py) runs 2(p-k-1) + (v-1)p chunks before the
      // first backward, so 2(p-k-1) + (v-1)p + 1 are held at the peak, and all m v when the
      // warm-up takes every chunk of the step (m = p). On the first stage with m >= 2p this is
      // (1 + (p-1)/(p v)) times the 1F1B amount (Narayanan et al. 2021; Korthikanti et al. 2022,
      // section 4.2.3).
      double inFlight =
          vpp > 1
              ? Math.min((double) mbs * vpp, 2.0 * (pp - k - 1) + (vpp - 1.0) * pp + 1) / vpp
              : Math.min(mbs, pp - k);
      double act = perMb * inFlight;
      int shortChunk = vpp > 1 ? PipelineSplit.shortChunk(params.layers, pp, vpp, k) : -1;
      if (shortChunk >= 0) {
        // an uneven interleaved split: one of this stage's chunks holds a layer fewer (the
        // embedding's or the loss's place); count the layers the held chunks really hold
        double chunks = Math.min((double) mbs * vpp, 2.0 * (pp - k - 1) + (vpp - 1.0) * pp + 1);
        double c = (n + 1) / (double) vpp;
        double held = chunks * c - PipelineSplit.heldOf(shortChunk, (long) chunks, pp, vpp);
        act = perMb * held / n;
      }
      if (rec == Recompute.FULL) {
        act += oneLayer; // the recomputed layer during its backward
      }
      double logits = k == pp - 1 ? headC.logits() : 0;
      double buffers = 0;
      if (zero == 3) {
        // two layers' weights gathered (the one running and the one prefetched)
        buffers += 2 * (pd + pe) / Math.max(1, n) * pr.gatherBytes();
      }
      if (zero == 2 && denseShard > 1) {
        // sharded gradients are reduce-scattered every micro-batch (DataParallelSync): two
        // buckets of unsharded gradients, the one filling and the one being reduced (DeepSpeed's
        // double ipg buffer with overlap_comm), before each keeps only its shard
        buffers += 2 * Math.min(pd + pe, TrainingPlanner.BUCKET_PARAMS) * pr.gradBytes;
      }
      if (pr == Precision.AMP) {
        // autocast's bf16 copies of the stage's weights, saved for the backward
        buffers += (pd + pe) * 2;
      }
      double allocated = w + g + os + act + logits + buffers;
      if (job.execution() == Execution.EAGER) {
        // plain PyTorch frees the gradients (zero_grad(set_to_none)) and creates them in the
        // backward as the activations go: the peak is the end of the forward (one layer's
        // gradients besides) or the for-each Adam step, which holds one temporary of the state's
        // element size per parameter
        double temp = (pd + pe) * (pr == Precision.BF16 ? 2 : 4);
        allocated =
            Math.max(w + os + act + logits + buffers + g / Math.max(1, n), w + g + os + temp);
      }
      double total = allocated * (1 + TrainingPlanner.ALLOCATOR_OVERHEAD);
      if (total > worst) {
        worst = total;
        o[WEIGHTS] = w;
        o[GRADIENTS] = g;
        o[OPT_STATE] = os;
        o[ACTIVATIONS] = act;
        o[LOGITS] = logits;
        o[BUFFERS] = buffers;
        o[ALLOCATOR] = allocated * TrainingPlanner.ALLOCATOR_OVERHEAD;
        o[STAGE] = k;
      }
    }
    o[PEAK] = worst;
  }

  /** The group over which ZeRO shards routed-expert state: dp x cp / ep, at least 1. */
  static double expertShard(LayoutCursor l) {
    return Math.max(1, l.shardGroup() / (double) l.ep);
  }

  /**
   * The bytes of {@code dense} and {@code expert} parameters at {@code bytes} each on one GPU:
   * divided over their shard groups when ZeRO shards this state ({@code on}), else whole.
   */
  static double sharded(
      boolean on,
      double dense,
      double expert,
      double bytes,
      double denseShard,
      double expertShard) {
    return on
        ? dense * bytes / denseShard + expert * bytes / expertShard
        : (dense + expert) * bytes;
  }
}
