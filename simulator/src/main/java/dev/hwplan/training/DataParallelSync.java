package dev.hwplan.training;

import static dev.hwplan.training.TrainingPlanner.DP_COMM;
import static dev.hwplan.training.TrainingPlanner.DP_TOTAL;

import dev.hwplan.op.Collective;

/**
 * The data-parallel gradient synchronisation of a step: all-reduce (ZeRO 0) or reduce-scatter and
 * all-gather (ZeRO 1-3) of the first stage's gradients over the DP x CP group (routed experts over
 * that group divided by EP), in buckets of {@link TrainingPlanner#BUCKET_PARAMS}; FSDP (ZeRO 3)
 * gathers the weights before each micro-batch's forward and backward, prefetched behind the
 * compute.
 *
 * <p>When the reduction runs follows from where the gradients accumulate, so that the memory
 * ({@link StageMemory}) and the communication count the same thing for every precision:
 *
 * <ul>
 *   <li>ZeRO 0 and 1 keep a full gradient buffer (fp32 {@code main_grad} with {@code
 *       bf16-fp32-master}): the micro-batches accumulate into it and the buffer is reduced once, at
 *       the last micro-batch, while its backward runs. This is Megatron-LM's DDP with {@code
 *       --overlap-grad-reduce}, and with ZeRO 1 its distributed optimizer ({@code
 *       --use-distributed-optimizer}: one reduce-scatter of the full fp32 grad buffer, one
 *       all-gather of the updated bf16 parameters; Megatron-LM docs, "Distributed Optimizer").
 *   <li>ZeRO 2 keeps only this rank's shard of the gradients, so it cannot wait for the last
 *       micro-batch: every micro-batch's backward reduce-scatters its gradients (bucket by bucket,
 *       as they are produced) and keeps its partition. DeepSpeed's stage 2 ({@code
 *       stage_1_and_2.py}; DeepSpeed issue #2252, T. Ruwase: "For zero stage 2 (and 3), gradient
 *       reduction is required after every backward because of gradient partitioning. Each rank
 *       retains only the accumulated gradients of its partition and discards the rest"), and FSDP's
 *       {@code SHARD_GRAD_OP}. So m micro-batches move m reduce-scatters, each hidden behind one
 *       micro-batch's forward and backward; the all-gather of the updated weights stays once a
 *       step.
 *   <li>ZeRO 3 (FSDP) as ZeRO 2, with the weights gathered twice a micro-batch.
 * </ul>
 */
record DataParallelSync(TrainingJob job, ClusterLinks links) {

  /**
   * Writes the total and the exposed seconds ({@code DP_TOTAL}, {@code DP_COMM}) for one GPU
   * holding {@code stageDense} dense and {@code stageExpert} routed-expert parameters, whose
   * slowest stage runs a micro-batch's forward in {@code worstF} and its backward in {@code worstB}
   * seconds.
   */
  void write(
      double stageDense,
      double stageExpert,
      int tp,
      int dpGroup,
      int ep,
      int zero,
      long mbs,
      double worstF,
      double worstB,
      double[] o) {
    double dpTotal = 0;
    double dpExposed = 0;
    if (dpGroup > 1) {
      Precision pr = job.precision();
      int expertGroup = Math.max(1, dpGroup / ep);
      double reduce;
      double gather = 0;
      if (zero == 0) {
        reduce =
            links.collective(Collective.ALL_REDUCE, dpGroup, tp, stageDense * pr.gradBytes)
                + links.collective(
                    Collective.ALL_REDUCE, expertGroup, tp * ep, stageExpert * pr.gradBytes);
      } else {
        reduce =
            links.collective(Collective.REDUCE_SCATTER, dpGroup, tp, stageDense * pr.gradBytes)
                + links.collective(
                    Collective.REDUCE_SCATTER, expertGroup, tp * ep, stageExpert * pr.gradBytes);
        gather =
            links.collective(Collective.ALL_GATHER, dpGroup, tp, stageDense * pr.gatherBytes())
                + links.collective(
                    Collective.ALL_GATHER, expertGroup, tp * ep, stageExpert * pr.gatherBytes());
      }
      double buckets =
          Math.max(1, Math.ceil((stageDense + stageExpert) / TrainingPlanner.BUCKET_PARAMS));
      if (zero == 3) {
        // FSDP: weights gathered before each micro-batch's forward and backward, gradients
        // reduce-scattered after each backward, prefetched behind the compute
        double perMb = 2 * gather + reduce;
        dpTotal = perMb * mbs;
        dpExposed =
            mbs * Math.max(0, perMb - (worstF + worstB)) + gather / buckets + reduce / buckets;
      } else if (zero == 2) {
        // sharded gradients: a reduce-scatter after every micro-batch's backward, each behind
        // one micro-batch's forward and backward (what one falls behind, the next inherits), the
        // last behind its own backward; the weights' all-gather once, behind the next forward
        dpTotal = reduce * mbs + gather;
        dpExposed =
            job.overlapGradReduce()
                ? (mbs - 1) * Math.max(0, reduce - (worstF + worstB))
                    + overlapped(reduce, buckets, worstB)
                    + overlapped(gather, buckets, worstF)
                : dpTotal;
      } else {
        dpTotal = reduce + gather;
        dpExposed =
            job.overlapGradReduce()
                ? overlapped(reduce, buckets, worstB) + overlapped(gather, buckets, worstF)
                : dpTotal;
      }
    }
    o[DP_TOTAL] = dpTotal;
    o[DP_COMM] = dpExposed;
  }

  /**
   * The exposed time of {@code total} seconds of communication in {@code buckets} equal buckets
   * that become ready evenly over {@code window} seconds of compute and go one after another on one
   * stream: the last finishes at {@code max(window + c, window/n + n c)} for bucket time {@code c}.
   */
  static double overlapped(double total, double buckets, double window) {
    if (total <= 0) {
      return 0;
    }
    double c = total / buckets;
    double end = Math.max(window + c, window / buckets + buckets * c);
    return end - window;
  }
}
