package dev.hwplan.cli;

import picocli.CommandLine.Option;

/** The {@code --batch} option of {@code kv} and {@code infer}: concurrent sequences (default 1). */
final class BatchOption {
  @Option(
      names = "--batch",
      defaultValue = "1",
      description = "Concurrent sequences (default: ${DEFAULT-VALUE}).")
  long batch;

  /** The sequences as given. */
  long sequences() {
    return batch;
  }
}
