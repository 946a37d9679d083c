package dev.hwplan.perf.elementwise;

import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.Terms;

/**
 * Memory-bound kernels: {@code t = kernels x kernelLatency + vectorisedBytes / copyBandwidth +
 * stridedBytes / (STRIDED_RATE x copyBandwidth)}. The latency is the cost of one small kernel in a
 * CUDA graph (its launch slot, prologue and the DRAM round trip); the bandwidth is the achieved
 * copy rate. Strided bytes are those of PyTorch's non-vectorised elementwise path ({@code
 * elementwise_kernel}, {@code unrolled_elementwise_kernel} with casts, {@code CatArrayBatchedCopy},
 * row reductions), which eager steps take for broadcast, strided or casting operands.
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
   * per-kernel figure, 1.66 / 4.28 = 0.39, would count the latency twice.
   */
  public static final double STRIDED_RATE = 0.5;

  public Terms time(OpShape.Elementwise s, double bytes, double copyBandwidth) {
    double latency = s.kernels() * kernelLatencySeconds;
    double strided = Math.min(bytes, s.stridedBytes());
    double mem = (bytes - strided) / copyBandwidth + strided / (STRIDED_RATE * copyBandwidth);
    return new Terms(latency, mem, 0, 0, latency + mem);
  }
}
