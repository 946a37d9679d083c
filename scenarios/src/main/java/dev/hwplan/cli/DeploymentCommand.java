package dev.hwplan.cli;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.StepConfig;
import picocli.CommandLine.Mixin;

/**
 * What the commands that time one deployment's steps ({@code infer} and {@code serve}) share:
 * {@code --tp}, {@code --pp}, {@code --ep}, {@code --weights-dtype}, {@code --kv-dtype}, {@code
 * --mla} and {@code --execution}, and the step configuration they give.
 */
abstract class DeploymentCommand extends PlannerCommand {
  @Mixin ParallelismOptions parallel;
  @Mixin EpOption ep;
  @Mixin WeightsDtypeOption weightsDtype;
  @Mixin KvDtypeOption kvDtype;
  @Mixin MlaOption mla;
  @Mixin ExecutionOption execution;

  /** The step of {@code m} under these options; a bad value is bad input naming its option. */
  final StepConfig step(ModelSpec m) {
    return new StepConfig(
        m,
        new Parallelism(parallel.tp(), parallel.pp(), 1, ep.size()),
        weightsDtype.parse(),
        kvDtype.parse(),
        mla.parse(),
        execution.parse());
  }
}
