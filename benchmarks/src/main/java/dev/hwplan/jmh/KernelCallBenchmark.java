package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * A kernel benchmark that times one {@link KernelCase} (the case {@code hwplan measure cpu} times
 * too) on each provider and storage dtype: the subclass names the case and its {@code @Benchmark}
 * method, whose name bench/cpu/summarize.py reads, runs {@link #call}.
 */
public abstract class KernelCallBenchmark extends KernelBenchmark {
  @Param({"scalar", "vector"})
  public String provider;

  @Param({"fp32", "bf16"})
  public String dtype;

  /** The case's call, made in {@link #setUp}. */
  protected Runnable call;

  /** The case to time, from the cases of the chosen provider. */
  protected abstract KernelCase kernelCase(KernelCases cases);

  @Setup
  public void setUp() {
    call = kernelCase(new KernelCases(ProviderParam.of(provider))).call();
  }
}
