package dev.hwplan.jmh;

import dev.hwplan.kernels.AttentionShape;
import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KeyLayout;
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
 * Decode attention, GQA as in Llama 3 8B (32 query heads, 8 KV heads, head dim 128), batch 1, with
 * a 64k-token KV cache: 512 MiB in fp32, 256 MiB in bf16, far beyond the LLC, so every call streams
 * the cache from DRAM. {@code contextTokens=2048} gives the in-cache case (16 MiB fp32).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class DecodeAttentionBenchmark {
  @Param({"scalar", "vector"})
  public String provider;

  @Param({"fp32", "bf16"})
  public String dtype;

  @Param({"BLOCKED", "TOKEN_MAJOR"})
  public String keyLayout;

  @Param({"8", "32"})
  public int kvHeads;

  /** 0: the 512 MiB (fp32) cache described above. */
  @Param({"0"})
  public int contextTokens;

  private Runnable call;

  @Setup
  public void setUp() {
    int context = contextTokens > 0 ? contextTokens : 8 * 65536 / kvHeads;
    AttentionShape s = new AttentionShape(1, 32, kvHeads, 128, context);
    KernelCase c =
        new KernelCases(ProviderParam.of(provider))
            .decodeAttention(s, dtype, KeyLayout.valueOf(keyLayout));
    call = c.call();
  }

  @Benchmark
  public void decodeAttention() {
    call.run();
  }
}
