package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/** Square GEMM, C = A·B, with B in fp32 or bf16 storage: 2·n³ FLOP per call. */
public class GemmBenchmark extends KernelCallBenchmark {
  @Param({"1024"})
  public int n;

  @Override
  protected KernelCase kernelCase(KernelCases cases) {
    return cases.gemm(n, n, n, dtype);
  }

  @Benchmark
  public void gemm() {
    call.run();
  }
}
