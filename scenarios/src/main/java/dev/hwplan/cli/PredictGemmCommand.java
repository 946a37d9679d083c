package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwplan predict gemm}: {@code C[m,n] = A[m,k] W[n,k]^T}. */
@Command(
    name = "gemm",
    description = "Time of C[m,n] = A[m,k] W[n,k]^T: seconds, interval, bound, efficiency.",
    mixinStandardHelpOptions = true)
final class PredictGemmCommand implements Runnable {
  @Mixin PredictOptions predict;

  @Option(names = "--m", required = true, description = "Rows of A (tokens).")
  long m;

  @Option(names = "--n", required = true, description = "Outputs.")
  long n;

  @Option(names = "--k", required = true, description = "Inputs (reduction).")
  long k;

  @Option(names = "--dtype", defaultValue = "bf16", description = "bf16, fp16, fp8, int8, ...")
  String dtype;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    predict.run("gemm", Map.of("m", m, "n", n, "k", k, "dtype", dtype), spec);
  }
}
