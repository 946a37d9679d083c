package dev.hwplan.cli;

import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import picocli.CommandLine.Option;

/** The required {@code --model} option: a bundled model id or the path to a {@code config.json}. */
public final class ModelOption {
  @Option(names = "--model", required = true, description = "Bundled id or path to a config.json.")
  String model;

  /** The model named by {@code --model}; an unknown id or a bad file is bad input. */
  public ModelSpec resolve() {
    return ModelCatalog.resolve(model);
  }
}
