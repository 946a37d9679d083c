package dev.hwplan.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --ep} and {@code --enable-expert-parallel} options of {@code infer} and {@code serve}:
 * expert parallel ranks of their own (default 1), or the experts sharded over the TP ranks ({@link
 * dev.hwplan.parallel.Parallelism#expertsOnTp}).
 */
final class EpOption {
  @Option(
      names = "--ep",
      defaultValue = "1",
      description =
          "Expert parallel ranks (MoE models): each holds E/ep routed experts and serves its share"
              + " of the requests (all-to-all dispatch and combine).")
  int ep;

  @Option(
      names = "--enable-expert-parallel",
      description =
          "MoE models: shard the routed experts whole over the --tp ranks (E/tp each), as vLLM's"
              + " flag of that name does; attention stays tensor parallel, no all-to-all.")
  boolean onTp;

  /** The expert parallel size as given; a size below 1 is refused by the parallelism. */
  int size() {
    return ep;
  }

  /** Whether the experts are sharded over the TP ranks. */
  boolean onTp() {
    return onTp;
  }
}
