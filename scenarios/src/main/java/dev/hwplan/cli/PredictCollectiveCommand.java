package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hwplan predict collective}: a collective or send over the GPU's scale-up link. */
@Command(
    name = "collective",
    description = "Time of a collective over the scale-up link (alpha-beta ring model).",
    mixinStandardHelpOptions = true)
final class PredictCollectiveCommand extends PredictOpCommand {
  @Option(
      names = "--op",
      required = true,
      description = "all-reduce, all-gather, reduce-scatter, all-to-all or send.")
  String op;

  @Option(names = "--gpus", required = true)
  long gpus;

  @Option(
      names = "--bytes",
      required = true,
      converter = QuantityConverter.class,
      description = "Size in bytes as nccl-tests counts it (1048576, 1e9, 1G = 1e9).")
  double bytes;

  @Override
  void putFlags(Map<String, Object> f) {
    f.putAll(Map.of("collective", op, "gpus", gpus, "bytes", bytes));
  }
}
