package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hwplan predict gemm}: {@code C[m,n] = A[m,k] W[n,k]^T}. */
@Command(
    name = "gemm",
    description = "Time of C[m,n] = A[m,k] W[n,k]^T: seconds, interval, bound, efficiency.",
    mixinStandardHelpOptions = true)
final class PredictGemmCommand extends PredictOpCommand {
  @Option(names = "--m", required = true, description = "Rows of A (tokens).")
  long m;

  @Mixin GemmShapeOptions shape;

  @Override
  void putFlags(Map<String, Object> f) {
    f.put("m", m);
    shape.putInto(f);
  }
}
