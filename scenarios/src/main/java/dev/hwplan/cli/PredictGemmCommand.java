package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hwplan predict gemm}: {@code C[m,n] = A[m,k] W[n,k]^T}. */
@Command(
    name = "gemm",
    description = "Time of C[m,n] = A[m,k] W[n,k]^T: seconds, interval, bound, efficiency.",
    mixinStandardHelpOptions = true)
final class PredictGemmCommand extends PredictOpCommand {
  @Option(names = "--m", required = true, description = "Rows of A (tokens).")
  long m;

  @Option(names = "--n", required = true, description = "Outputs.")
  long n;

  @Option(names = "--k", required = true, description = "Inputs (reduction).")
  long k;

  @Option(names = "--dtype", defaultValue = "bf16", description = "bf16, fp16, fp8, int8, ...")
  String dtype;

  PredictGemmCommand() {
    super("gemm");
  }

  @Override
  Map<String, Object> flags() {
    return Map.of("m", m, "n", n, "k", k, "dtype", dtype);
  }
}
