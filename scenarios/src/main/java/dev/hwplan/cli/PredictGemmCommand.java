package dev.hwplan.cli;

import java.util.HashMap;
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
  @Mixin GpuOption gpu;

  @Option(names = "--m", required = true, description = "Rows of A (tokens).")
  long m;

  @Option(names = "--n", required = true, description = "Outputs.")
  long n;

  @Option(names = "--k", required = true, description = "Inputs (reduction).")
  long k;

  @Option(names = "--dtype", defaultValue = "bf16", description = "bf16, fp16, fp8, int8, ...")
  String dtype;

  @Mixin ModeOption mode;

  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    Map<String, Object> f = new HashMap<>();
    f.put("gpu", gpu.id());
    f.put("m", m);
    f.put("n", n);
    f.put("k", k);
    f.put("dtype", dtype);
    PredictOpView.run(
        "gemm", f, mode.name(), profiles, json.enabled(), spec.commandLine().getOut());
  }
}
