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

  /** The peak memory of the most loaded stage into {@code o}'s memory slots. */
  void write(
      int tp,
      int pp,
      int dp,
      int cp,
      int ep,
      int vpp,
      boolean sp,
      int mb,
      int zero,
      Recompute rec,
      boolean offload,
      long mbs,
      double[] o) {
    ModelSpec m = job.model();
    boolean spOn = sp && tp > 1;
    LayerCost dense = costs.get(tp, cp, mb, spOn, ep, false, 0);
    LayerCost moe = m.moe() != null ? costs.get(tp, cp, mb, spOn, ep, true, 0) : dense;
    LayerCost headC = costs.get(tp, cp, mb, spOn, ep, false, 1);
    Precision pr = job.precision();
    double denseShard = dp * cp;
    double expertShard = Math.max(1, dp * cp / (double) ep);
    double worst = -1;
    for (int pass = 0; pass < 3; pass++) {
      int k = pass == 0 ? 0 : pass == 1 ? pp - 1 : 1;
      if ((pass == 1 && pp == 1) || (pass == 2 && (pp <= 2 || params.layers % pp == 0))) {
        continue;
      }
      int from = ModelCopy.firstLayer(params.layers, pp, k);
      int to = ModelCopy.firstLayer(params.layers, pp, k + 1);
      int n = to - from;
      int nMoe = params.moeLayers(from, to);
      int nDense = n - nMoe;
      double pd = params.stageDense(k, tp, pp);
      double pe = params.stageExpert(k, tp, pp, ep);
      double w =
          zero >= 3
              ? pd * pr.weightBytes / denseShard + pe * pr.weightBytes / expertShard
              : (pd + pe) * pr.weightBytes;
      double g =
          zero >= 2
              ? pd * pr.gradBytes / denseShard + pe * pr.gradBytes / expertShard
              : (pd + pe) * pr.gradBytes;
      double os =
          offload
              ? 0
              : zero >= 1
                  ? pd * pr.optimizerBytes / denseShard + pe * pr.optimizerBytes / expertShard
                  : (pd + pe) * pr.optimizerBytes;
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
}
