package dev.hwplan.cli;

import dev.hwplan.io.HeldOutput;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.TextFiles;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.batch.BatchPredictor;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwplan predict}: the time of one op ({@code gemm}, {@code attention}, {@code
 * grouped-gemm}, {@code collective}), or of every op in an OPS.jsonl file ({@code --input}), as a
 * JSON array in input order.
 */
@Command(
    name = "predict",
    description =
        "Predict op times (sol, calibrated or measured): one op, or many with --input OPS.jsonl.",
    mixinStandardHelpOptions = true,
    subcommands = {
      PredictGemmCommand.class,
      PredictAttentionCommand.class,
      PredictGroupedGemmCommand.class,
      PredictCollectiveCommand.class
    })
final class PredictCommand implements Runnable {
  @Option(
      names = "--input",
      paramLabel = "OPS.jsonl",
      description =
          "One op a line, keys as the flags in camelCase; prints a JSON array in input order.")
  Path input;

  @Option(
      names = "--mode",
      defaultValue = "calibrated",
      description =
          "sol, calibrated or measured, where a line gives none (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--json", description = "Accepted for symmetry: --input always prints JSON.")
  boolean json;

  /** Output bytes held in memory (16 MiB, about 70,000 results) before a temporary file. */
  private static final long HELD_IN_MEMORY = 16L << 20;

  @Mixin ProfilesOption profiles;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    if (input == null) {
      throw InvalidInputException.option(
          "--input",
          "give --input OPS.jsonl, or one of: gemm, attention, grouped-gemm, collective");
    }
    Mode m = Mode.parse(mode, "--mode");
    BatchPredictor predictor = new BatchPredictor(profiles.catalog(), m);
    PrintWriter out = spec.commandLine().getOut();
    String name = input.toString();
    // Every line is checked before anything is printed: the results are held (in memory, then in
    // a temporary file) until the last line has been predicted, so a bad line anywhere leaves
    // stdout empty and the error alone on stderr.
    try (BufferedReader in = TextFiles.reader(input, 1 << 16);
        HeldOutput held = new HeldOutput(HELD_IN_MEMORY)) {
      long n = predictor.run(in, name, held);
      if (n == 0) {
        throw new InvalidInputException(name, "", "has no ops (the file is empty or blank)");
      }
      // Bytes through a buffer: PrintWriter's per-call flushing would dominate at 100k ops.
      BufferedWriter w = new BufferedWriter(out, 1 << 16);
      held.commit(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
