package dev.hwplan.training;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.op.OpGraph;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTime;
import dev.hwplan.step.TrainingStep;
import java.util.List;

/**
 * The optimizer update of a step: Adam over the GPU's parameters (its ZeRO shard), memory-bound,
 * timed by the step model ({@link TrainingStep#optimizer}) as a latency plus a time per parameter;
 * with offload, the gradients go to the host and the updated weights come back over PCIe. {@code
 * notes}: what the step model's time of the update rests on.
 */
record OptimizerStep(
    TrainingJob job,
    GpuProfile gpu,
    StepModel step,
    double latency,
    double perParam,
    List<String> notes) {
  /** The optimizer of {@code job} on {@code gpu}, timed by {@code step}. */
  static OptimizerStep of(TrainingJob job, GpuProfile gpu, StepModel step) {
    double probe = 1e9;
    double latency = seconds(job, step, 0);
    StepTime probed = step.time(graph(job, probe));
    return new OptimizerStep(
        job, gpu, step, latency, (probed.seconds() - latency) / probe, probed.notes());
  }

  /** The update of {@code updated} parameters in a step, offloaded to the host or not. */
  double stepSeconds(double updated, boolean offload) {
    double opt = latency + perParam * updated;
    if (offload) {
      double pcie =
          gpu.interconnect() == null ? 0 : gpu.interconnect().pcieBytesPerSecondPerDirection();
      Precision pr = job.precision();
      opt += pcie > 0 ? updated * (pr.gradBytes + pr.gatherBytes()) / pcie : 0;
    }
    return opt;
  }

  /** The optimizer update of {@code params} parameters, seconds. */
  static double seconds(TrainingJob job, StepModel step, double params) {
    return step.time(graph(job, params)).seconds();
  }

  private static OpGraph graph(TrainingJob job, double params) {
    return TrainingStep.optimizer(params, optimizerTraffic(job), optimizerKernels(job));
  }

  /**
   * Bytes Adam moves per parameter: fused (Megatron-LM, apex) reads and writes each state once
   * ({@link Precision#optimizerTrafficBytes}); PyTorch's default for-each AdamW runs 8 passes that
   * read 12 and write 8 tensors of the state's element size (weight decay, lerp of m, mul and
   * addcmul of v, sqrt, div, add eps, addcdiv): 20 element moves.
   */
  private static double optimizerTraffic(TrainingJob job) {
    if (job.execution() == Execution.EAGER) {
      return job.precision() == Precision.BF16 ? 20 * 2 / FOREACH_TWO_BYTE_BANDWIDTH : 20 * 4;
    }
    return job.precision().optimizerTrafficBytes;
  }

  /**
   * The bandwidth PyTorch's for-each kernels reach on 2-byte (bf16) tensors, as a fraction of what
   * they reach on fp32: their multi-tensor apply moves a fixed number of elements per thread access
   * (kILP = 4 in ATen's MultiTensorApply.cuh), 8-byte accesses for bf16 against 16 for fp32, fewer
   * bytes in flight. Fitted on the training rows (kernels/cuda/results/h200-sxm/train-steps.json):
   * over the 24 shapes measured in both precisions, bf16 AdamW takes 0.605 of the fp32 step's time
   * (median; 0.600-0.765, the largest where launch latency dominates) for half the bytes, 0.5 /
   * 0.605 = 0.83.
   */
  static final double FOREACH_TWO_BYTE_BANDWIDTH = 0.83;

  private static int optimizerKernels(TrainingJob job) {
    return job.execution() == Execution.EAGER ? 8 : 1;
  }
}
