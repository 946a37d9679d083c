package dev.hwplan.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --ep} option of {@code infer} and {@code serve}: expert parallel ranks (default 1).
 */
final class EpOption {
  @Option(
      names = "--ep",
      defaultValue = "1",
      description =
          "Expert parallel ranks (MoE models): each holds E/ep routed experts and serves its share"
              + " of the requests (all-to-all dispatch and combine).")
  int ep;

  /** The expert parallel size as given; a size below 1 is refused by the parallelism. */
  int size() {
    return ep;
  }
}
