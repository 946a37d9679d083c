package dev.hwplan.cli;

import dev.hwplan.step.Execution;
import picocli.CommandLine.Option;

/** The {@code --execution} option of {@code infer} and {@code serve}: how a step's ops run. */
final class ExecutionOption {
  @Option(
      names = "--execution",
      defaultValue = "fused",
      description =
          "fused (serving engine), eager (plain PyTorch ops) or compiled (TorchInductor layers"
              + " under a CUDA graph, SDPA flash attention).")
  String execution;

  /** The execution; an unknown name is bad input naming {@code --execution}. */
  Execution parse() {
    return Execution.parse(execution, "--execution");
  }
}
