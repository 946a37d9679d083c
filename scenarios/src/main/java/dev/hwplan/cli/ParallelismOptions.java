package dev.hwplan.cli;

import dev.hwplan.parallel.Parallelism;
import picocli.CommandLine.Option;

/** The {@code --tp} and {@code --pp} options of the inference commands (both default to 1). */
public final class ParallelismOptions {
  @Option(names = "--tp", defaultValue = "1", description = "Tensor parallel size.")
  int tp;

  @Option(names = "--pp", defaultValue = "1", description = "Pipeline parallel size.")
  int pp;

  /** The tensor parallel size as given. */
  public int tp() {
    return tp;
  }

  /** The pipeline parallel size as given. */
  public int pp() {
    return pp;
  }

  /** TP x PP, no data or expert parallelism; sizes below 1 are refused by {@link Parallelism}. */
  public Parallelism parallelism() {
    return Parallelism.of(tp, pp);
  }
}
