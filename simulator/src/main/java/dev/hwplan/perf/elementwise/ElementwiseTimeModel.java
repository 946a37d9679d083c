package dev.hwplan.perf.elementwise;

import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.Terms;

/**
 * Memory-bound kernels: {@code t = kernels x kernelLatency + vectorisedBytes / copyBandwidth +
 * stridedBytes / stridedBandwidth}, {@code stridedBandwidth = min(copyBandwidth,
 * STRIDED_BYTES_PER_SM_CYCLE x SMs x clock)}. The latency is the cost of one small kernel in a CUDA
 * graph (its launch slot, prologue and the DRAM round trip); the bandwidth is the achieved copy
 * rate. Strided bytes are those of PyTorch's non-vectorised elementwise path ({@code
 * elementwise_kernel}, {@code unrolled_elementwise_kernel} with casts, {@code CatArrayBatchedCopy},
 * row reductions), which eager steps take for broadcast, strided or casting operands: they issue
 * scalar loads with per-element index arithmetic, so what bounds them is the SMs' issue rate, not
 * HBM, and they stream at a rate per SM cycle until that reaches the copy bandwidth.
 */
public record ElementwiseTimeModel(double kernelLatencySeconds) {
  /**
   * The copy-rate share that PyTorch's non-vectorised elementwise kernels reach, from the kernel
   * tables of the eager Llama-3.1-8B prefills of {@code
   * kernels/cuda/results/h200-sxm/step-profiles-train.json} (H200, 2026-12-06; issue 15, freeze
   * III): at 2,048 tokens an eager layer's strided kernels (RoPE's multiplies, negation and
   * concatenation, RMSNorm's fp32 cast, mean and broadcast multiply, SiLU and the gate product on
   * the chunked gate/up output, the cache copies) move 827 MB in 499 us, 1.66 TB/s against the 4.28
   * TB/s copy probe, while its vectorised kernels (residual and RoPE adds, pow, the bf16 cast) run
   * at 4.2-4.4 TB/s. With the kernel latency added on top, 0.5 centres the eager dense prefills of
   * the training files (the profiles' 1 x 2048, 1 x 8192 and 4 x 2048 tokens and the step files
   * seen before freeze III: 11 configurations, errors -2.1 to +10.3 %, the median near 0); the
   * per-kernel figure, 1.66 / 4.28 = 0.39, would count the latency twice. Issue 15, prefill 9: this
   * share held on the H200 only; the rate is the SMs', {@link #STRIDED_BYTES_PER_SM_CYCLE}.
   */
  static final double STRIDED_RATE = 0.5;

  /**
   * The bytes a non-vectorised elementwise kernel moves per SM cycle: {@link #STRIDED_RATE} of the
   * H200's copy probe (3.97 TB/s, {@code calibrations/h200-sxm/cuda-harness.json}) over its 132 SMs
   * at 1.98 GHz, 7.6 bytes (the H200's predictions stay as they were). The kernel tables of the
   * eager Llama-3.1-8B prefills show why it is a rate of the SMs: the H100 (2.84 TB/s copy probe,
   * the same 132 SMs and clock) runs these kernels in the same time per token as the H200 (RoPE's
   * and RMSNorm's {@code elementwise_kernel}, 14.0 ns per token and call on the H200's 2,048 and
   * 8,192 tokens, 14.4-14.7 on the H100's 1,280 to 5,632 tokens in {@code
   * step-profiles-validation3/4/6.json}; {@code CatArrayBatchedCopy} 9.5-10.2 on both), while its
   * vectorised kernels (the residual add, pow, the bf16 cast) take 1.3-1.4x longer, as the copy
   * bandwidths do. A share of the copy bandwidth predicted the H100's strided kernels 1.4x slow
   * (issue 15, prefill 9).
   */
  public static final double STRIDED_BYTES_PER_SM_CYCLE =
      STRIDED_RATE * 3.97123235e12 / (132 * 1.98e9);

  /**
   * The time of an elementwise op of {@code bytes} on a GPU of {@code copyBandwidth} (achieved,
   * bytes/s) and {@code smCyclesPerSecond} (SMs x clock).
   */
  public Terms time(
      OpShape.Elementwise s, double bytes, double copyBandwidth, double smCyclesPerSecond) {
    double latency = s.kernels() * kernelLatencySeconds;
    double strided = Math.min(bytes, s.stridedBytes());
    double stridedBandwidth =
        Math.min(copyBandwidth, STRIDED_BYTES_PER_SM_CYCLE * smCyclesPerSecond);
    double mem = (bytes - strided) / copyBandwidth + strided / stridedBandwidth;
    return new Terms(latency, mem, 0, 0, latency + mem);
  }
}
