package dev.hwplan.training;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TrainingStep;

/**
 * The optimizer update of a step: Adam over the GPU's parameters (its ZeRO shard), memory-bound,
 * timed by the step model ({@link TrainingStep#optimizer}) as a latency plus a time per parameter;
 * with offload, the gradients go to the host and the updated weights come back over PCIe.
 */
record OptimizerStep(
    TrainingJob job, GpuProfile gpu, StepModel step, double latency, double perParam) {
  /** The optimizer of {@code job} on {@code gpu}, timed by {@code step}. */
  static OptimizerStep of(TrainingJob job, GpuProfile gpu, StepModel step) {
    double probe = 1e9;
    double latency = seconds(job, step, 0);
    return new OptimizerStep(
        job, gpu, step, latency, (seconds(job, step, probe) - latency) / probe);
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
    return step.time(TrainingStep.optimizer(params, optimizerTraffic(job), optimizerKernels(job)))
        .seconds();
  }

  /**
   * Bytes Adam moves per parameter: fused (Megatron-LM, apex) reads and writes each state once
   * ({@link Precision#optimizerTrafficBytes}); PyTorch's default for-each AdamW runs 8 passes that
   * read 12 and write 8 tensors of the state's element size (weight decay, lerp of m, mul and
   * addcmul of v, sqrt, div, add eps, addcdiv): 20 element moves.
   */
  private static double optimizerTraffic(TrainingJob job) {
    if (job.execution() == Execution.EAGER) {
      return 20 * (job.precision() == Precision.BF16 ? 2 : 4);
    }
    return job.precision().optimizerTrafficBytes;
  }

  private static int optimizerKernels(TrainingJob job) {
    return job.execution() == Execution.EAGER ? 8 : 1;
  }
}
