package dev.hwplan.jmh;

import dev.hwplan.kernels.AttentionShape;
import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KeyLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Decode attention, GQA as in Llama 3 8B (32 query heads, 8 KV heads, head dim 128), batch 1, with
 * a 64k-token KV cache: 512 MiB in fp32, 256 MiB in bf16, far beyond the LLC, so every call streams
 * the cache from DRAM. {@code contextTokens=2048} gives the in-cache case (16 MiB fp32).
 */
public class DecodeAttentionBenchmark extends KernelCallBenchmark {
  @Param({"BLOCKED", "TOKEN_MAJOR"})
  public String keyLayout;

  @Param({"8", "32"})
  public int kvHeads;

  /** 0: the 512 MiB (fp32) cache described above. */
  @Param({"0"})
  public int contextTokens;

  @Override
  protected KernelCase kernelCase(KernelCases cases) {
    int context = contextTokens > 0 ? contextTokens : 8 * 65536 / kvHeads;
    AttentionShape s = new AttentionShape(1, 32, kvHeads, 128, context);
    return cases.decodeAttention(s, dtype, KeyLayout.valueOf(keyLayout));
  }

  @Benchmark
  public void decodeAttention() {
    call.run();
  }
}
