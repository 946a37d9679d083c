package dev.hwplan.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --offload} flag of {@code train} and {@code posttrain}: optimizer state on the host.
 */
final class OffloadOption {
  @Option(names = "--offload", description = "Optimizer state in host memory.")
  boolean offload;

  /** Whether the optimizer state lives in host memory. */
  boolean enabled() {
    return offload;
  }
}
