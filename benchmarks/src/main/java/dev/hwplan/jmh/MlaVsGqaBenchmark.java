package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.perf.cpu.MlaVsGqa;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Absorbed MLA decode attention (DeepSeek-V3: 128 heads, kv_lora_rank 512, RoPE 64) against GQA
 * decode attention (Llama 3 8B: 32 query heads, 8 KV heads of 128, blocked keys), batch 1, each
 * with a KV cache of {@code cacheMiB} in the given dtype: at 128 MiB fp32 that is 58,254 tokens of
 * MLA latents against 16,384 tokens of GQA keys and values, both far beyond the LLC.
 * bench/cpu/summarize.py reports time, GB/s, GFLOP/s, FLOP/byte and the binding ceiling.
 */
public class MlaVsGqaBenchmark extends KernelCallBenchmark {
  @Param({"mla", "gqa"})
  public String kind;

  /** Bytes of KV cache each kernel reads per call, in MiB. */
  @Param({"128"})
  public int cacheMiB;

  @Override
  protected KernelCase kernelCase(KernelCases cases) {
    double bytes = cacheMiB * (double) (1 << 20);
    int bpe = dtype.equals("fp32") ? 4 : 2;
    return kind.equals("mla")
        ? cases.mlaDecodeAttention(MlaVsGqa.mlaShape(bytes, bpe), dtype)
        : cases.decodeAttention(MlaVsGqa.gqaShape(bytes, bpe), dtype, KeyLayout.BLOCKED);
  }

  @Benchmark
  public void decode() {
    call.run();
  }
}
