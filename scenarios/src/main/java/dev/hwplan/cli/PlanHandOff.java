package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code scaling optimal --plan}: the scaling law's answer handed to the training planner in the
 * same command, budget to model to layout to days and dollars. It runs {@code train --flops C} with
 * the same fit, sequence length and model, so that the two commands print the same plan: the
 * compute-optimal N and D, the Llama-3-shaped model of about N parameters (or {@code --model} on
 * the tokens C buys), and the fastest layouts on the cluster.
 */
final class PlanHandOff {
  @Option(
      names = "--plan",
      description = {
        "Hand the compute-optimal model to the training planner (as 'train --flops C'): the",
        "fastest layouts on --cluster/--gpu x --gpus at --seq-len and --global-batch, with days,",
        "GPU-hours and, with --price-per-gpu-hour, the cost."
      })
  boolean plan;

  @Option(names = "--cluster", description = "With --plan: cluster kind (e.g. dgx-h100).")
  String cluster;

  @Option(names = "--gpu", description = "With --plan: GPU profile id (default: the cluster's).")
  String gpu;

  @Option(names = "--gpus", description = "With --plan: GPUs in the job.")
  Integer gpus;

  @Option(names = "--global-batch", description = "With --plan: sequences per step.")
  Long globalBatch;

  @Option(names = "--price-per-gpu-hour", description = "With --plan: $ per GPU-hour.")
  Double price;

  @Option(names = "--top", description = "With --plan: layouts to show (default 5).")
  Integer top;

  private static final String[] OPTIONS = {
    "--cluster", "--gpu", "--gpus", "--global-batch", "--price-per-gpu-hour", "--top"
  };

  /** Refuses the planner's options without {@code --plan}. */
  void refuseWithoutPlan(CommandSpec spec) {
    for (String o : OPTIONS) {
      Given.onlyWhen(spec, o, plan, "it is an option of the training plan (--plan)");
    }
  }

  /**
   * Runs {@code train --flops flops} with these options, {@code fit}, {@code seq} and {@code model}
   * (null: the compute-optimal shape), writing to {@code spec}'s streams.
   */
  void run(CommandSpec spec, double flops, String fit, String model, long seq, boolean json) {
    if (globalBatch == null) {
      throw InvalidInputException.option("--global-batch", "is required with --plan");
    }
    List<String> a = new ArrayList<>();
    add(a, "--flops", Double.toString(flops));
    add(a, "--fit", fit);
    add(a, "--model", model);
    add(a, "--seq", Long.toString(seq));
    add(a, "--global-batch", globalBatch.toString());
    add(a, "--cluster", cluster);
    add(a, "--gpu", gpu);
    add(a, "--gpus", gpus == null ? null : gpus.toString());
    add(a, "--price-per-gpu-hour", price == null ? null : price.toString());
    add(a, "--top", top == null ? null : top.toString());
    if (json) {
      a.add("--json");
    }
    CommandLine train = new CommandLine(new TrainCommand());
    train.setOut(spec.commandLine().getOut());
    train.setErr(spec.commandLine().getErr());
    try {
      train.parseArgs(a.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw InvalidInputException.option("--plan", e.getMessage());
    }
    ((Runnable) train.getCommand()).run();
  }

  private static void add(List<String> a, String option, String value) {
    if (value != null) {
      a.add(option);
      a.add(value);
    }
  }
}
