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
 * the same fit and model and the {@code train} options given after {@code --plan}, so that the two
 * commands print the same plan: the compute-optimal N and D, the Llama-3-shaped model of about N
 * parameters (or {@code --model} on the tokens C buys), and the fastest layouts.
 */
final class PlanHandOff {
  @Option(
      names = "--plan",
      description = {
        "Hand the compute-optimal model to the training planner, as 'train --flops C': the",
        "options that scaling optimal does not know are train's (--cluster or --gpu, --gpus,",
        "--seq, --global-batch, --price-per-gpu-hour, --top, --layout, ...; see train --help)."
      })
  boolean plan;

  /**
   * Refuses the options this command does not know ({@code trainOptions}, the command's {@code
   * Unmatched} arguments: picocli collects them only on the command itself), unless they go to the
   * planner.
   */
  void refuseWithoutPlan(List<String> trainOptions) {
    if (!plan && !trainOptions.isEmpty()) {
      throw InvalidInputException.option(
          trainOptions.get(0), "unknown option (the training planner's options need --plan)");
    }
  }

  /**
   * Runs {@code train --flops flops --fit fit [--model model]} with the options given for it,
   * writing to {@code spec}'s streams.
   */
  void run(
      CommandSpec spec,
      double flops,
      String fit,
      String model,
      List<String> trainOptions,
      boolean json) {
    List<String> a = new ArrayList<>(List.of("--flops", Double.toString(flops), "--fit", fit));
    if (model != null) {
      a.add("--model");
      a.add(model);
    }
    a.addAll(trainOptions);
    if (json) {
      a.add("--json");
    }
    CommandLine train = WholeNumberConverter.register(new CommandLine(new TrainCommand()));
    train.setOut(spec.commandLine().getOut());
    train.setErr(spec.commandLine().getErr());
    try {
      train.parseArgs(a.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw InvalidInputException.option("--plan", "train: " + e.getMessage());
    }
    ((Runnable) train.getCommand()).run();
  }
}
