package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelCases;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Square GEMM, C = A·B, with B in fp32 or bf16 storage: 2·n³ FLOP per call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
  @Param({"scalar", "vector"})
  public String provider;

  @Param({"fp32", "bf16"})
  public String dtype;

  @Param({"1024"})
  public int n;

  private Runnable call;

  @Setup
  public void setUp() {
    call = new KernelCases(ProviderParam.of(provider)).gemm(n, n, n, dtype).call();
  }

  @Benchmark
  public void gemm() {
    call.run();
  }
}
