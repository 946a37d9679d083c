package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.perf.cpu.MlaVsGqa;
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

/**
 * Absorbed MLA decode attention (DeepSeek-V3: 128 heads, kv_lora_rank 512, RoPE 64) against GQA
 * decode attention (Llama 3 8B: 32 query heads, 8 KV heads of 128, blocked keys), batch 1, each
 * with a KV cache of {@code cacheMiB} in the given dtype: at 128 MiB fp32 that is 58,254 tokens of
 * MLA latents against 16,384 tokens of GQA keys and values, both far beyond the LLC.
 * bench/cpu/summarize.py reports time, GB/s, GFLOP/s, FLOP/byte and the binding ceiling.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class MlaVsGqaBenchmark {
  @Param({"scalar", "vector"})
  public String provider;

  @Param({"mla", "gqa"})
  public String kind;

  @Param({"fp32", "bf16"})
  public String dtype;

  /** Bytes of KV cache each kernel reads per call, in MiB. */
  @Param({"128"})
  public int cacheMiB;

  private Runnable call;

  @Setup
  public void setUp() {
    double bytes = cacheMiB * (double) (1 << 20);
    int bpe = dtype.equals("fp32") ? 4 : 2;
    KernelCases cases = new KernelCases(ProviderParam.of(provider));
    KernelCase c =
        kind.equals("mla")
            ? cases.mlaDecodeAttention(MlaVsGqa.mlaShape(bytes, bpe), dtype)
            : cases.decodeAttention(MlaVsGqa.gqaShape(bytes, bpe), dtype, KeyLayout.BLOCKED);
    call = c.call();
  }

  @Benchmark
  public void decode() {
    call.run();
  }
}
