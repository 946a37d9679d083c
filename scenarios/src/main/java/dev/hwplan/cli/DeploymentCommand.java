package dev.hwplan.cli;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.step.StepConfig;
import picocli.CommandLine.Mixin;

/**
 * What the commands that time one deployment's steps ({@code infer} and {@code serve}) share:
 * {@code --tp}, {@code --pp}, {@code --ep}, {@code --enable-expert-parallel}, {@code
 * --weights-dtype}, {@code --kv-dtype}, {@code --mla} and {@code --execution}, and the step
 * configuration they give.
 */
abstract class DeploymentCommand extends PlannerCommand {
  @Mixin ParallelismOptions parallel;
  @Mixin EpOption ep;
  @Mixin WeightsDtypeOption weightsDtype;
  @Mixin KvDtypeOption kvDtype;
  @Mixin MlaOption mla;
  @Mixin ExecutionOption execution;

  /**
   * The step of {@code m} on {@code gpu} under these options; a bad value is bad input naming its
   * option, and so are weights whose matrix type {@code gpu} has no arithmetic for (fp8 and int8
   * weights run as W8A8, {@link StepConfig#linearDtype}, but fp8 weights weight-only on a GPU
   * without fp8 arithmetic, {@link StepConfig#on}).
   */
  final StepConfig step(ModelSpec m, GpuProfile gpu) {
    StepConfig c =
        new StepConfig(
            m,
            new Parallelism(parallel.tp(), parallel.pp(), 1, ep.size(), ep.onTp()),
            weightsDtype.parse(),
            kvDtype.parse(),
            mla.parse(),
            execution.parse());
    checkArithmetic(
        gpu, c.on(gpu).linearDtype(), "--weights-dtype", c.weights().key() + " weights");
    return c;
  }

  /**
   * Bad input naming {@code option} where {@code gpu}'s profile has no {@code dtype} arithmetic for
   * {@code what} (an A100 has no fp8 tensor cores).
   */
  static void checkArithmetic(GpuProfile gpu, DType dtype, String option, String what) {
    if (!DevicePeaks.of(gpu).hasPeak(dtype)) {
      throw InvalidInputException.option(
          option,
          gpu.id()
              + " has no "
              + dtype.key()
              + " arithmetic in its profile, which "
              + what
              + " run on");
    }
  }
}
