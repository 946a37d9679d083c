package dev.hwplan.cli;

import picocli.CommandLine.Option;

/** The required {@code --params N} of {@code scaling loss} and {@code scaling overtrain}. */
final class ModelSizeOption {
  @Option(
      names = "--params",
      required = true,
      paramLabel = "N",
      converter = QuantityConverter.class,
      description = "Model size in parameters, e.g. 8B or 70e9.")
  double params;

  /** The model size, checked to be a positive, finite number (else bad input naming --params). */
  double positive() {
    return ScalingCommand.positive(params, "--params");
  }
}
