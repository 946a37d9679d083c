package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The weight shape that {@code predict gemm} and {@code predict grouped-gemm} share: {@code --n}
 * outputs by {@code --k} inputs (in a grouped GEMM, those of each expert).
 */
final class GemmShapeOptions {
  @Option(names = "--n", required = true, description = "Outputs (grouped-gemm: of each expert).")
  long n;

  @Option(
      names = "--k",
      required = true,
      description = "Inputs, the reduction (grouped-gemm: of each expert).")
  long k;

  /** Puts {@code n} and {@code k} in {@code flags}, keys as in {@code --input}. */
  void putInto(Map<String, Object> flags) {
    flags.put("n", n);
    flags.put("k", k);
  }
}
