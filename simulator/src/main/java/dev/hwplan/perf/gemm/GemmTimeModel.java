package dev.hwplan.perf.gemm;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;

/**
 * Calibrated GEMM time (cuBLASLt-like library kernels):
 *
 * <pre>
 *   t = latency + (t_mem^p + t_mma^p)^(1/p)
 *   t_mem = bytes / (bandwidthFraction x readBandwidth)
 *   t_mma = 2mnk / (matrixFraction(dtype) x peak(dtype) x utilisation(m, n, k, SMs))
 * </pre>
 *
 * {@code utilisation} is tile and wave quantisation: the best over CUTLASS 3's SM90 tile shapes
 * (128x256, 256x128, 128x128, 64x256, 128x64, 64x128) and split-K factors (1..16, at least 512 of K
 * per split) of (useful / padded tile area) x (tiles / (waves x SMs)) (NVIDIA, "Matrix
 * Multiplication Background User's Guide", sections on tile and wave quantization). The p-norm
 * blends the memory and MMA terms near the ridge point (p large is the plain roofline max). Only
 * bf16 and fp8 were measured: 16- and 32-bit types use the bf16 fraction, 8-bit and narrower types
 * the fp8 fraction. {@code utilisation} is {@link TileQuantisation#utilisation}, memoised per GPU
 * by {@link DevicePeaks#gemmUtilisation}.
 */
public record GemmTimeModel(
    double latencySeconds,
    double bandwidthFraction,
    double bf16MatrixFraction,
    double fp8MatrixFraction,
    double blendExponent) {

  public double matrixFraction(DType d) {
    return d.bytes() <= 1.0 ? fp8MatrixFraction : bf16MatrixFraction;
  }

  /**
   * One GEMM moving {@code bytes} on {@code gpu}: {@code readBandwidth} is its achieved streaming
   * read rate.
   */
  public Terms time(
      DevicePeaks gpu, double readBandwidth, DType dtype, OpShape.Gemm s, double bytes) {
    double util = gpu.gemmUtilisation(1, s.m(), s.n(), s.k());
    double mma = 2.0 * s.m() * s.n() * s.k();
    return combine(gpu.peakFlops(dtype), readBandwidth, dtype, bytes, mma, util);
  }

  /** A grouped GEMM: every active expert's tiles share the waves. */
  public Terms time(
      DevicePeaks gpu, double readBandwidth, DType dtype, OpShape.GroupedGemm s, double bytes) {
    double rows = s.activeExperts() * (double) s.maxRowsPerExpert();
    double util = gpu.gemmUtilisation(s.activeExperts(), s.maxRowsPerExpert(), s.n(), s.k());
    return combine(
        gpu.peakFlops(dtype), readBandwidth, dtype, bytes, 2.0 * rows * s.n() * s.k(), util);
  }

  private Terms combine(
      double peakFlops,
      double readBandwidth,
      DType dtype,
      double bytes,
      double flops,
      double util) {
    double tMem = bytes / (bandwidthFraction * readBandwidth);
    double tMma = flops / (matrixFraction(dtype) * peakFlops * util);
    double p = blendExponent;
    double big = Math.max(tMem, tMma);
    // The larger term's ratio is exactly 1, whose power is 1: skip that Math.pow (the costliest
    // step of a GEMM prediction after the tile search).
    double mem = tMem / big;
    double mma = tMma / big;
    double blended =
        big
            * Math.pow(
                (mem == 1.0 ? 1.0 : Math.pow(mem, p)) + (mma == 1.0 ? 1.0 : Math.pow(mma, p)),
                1 / p);
    return new Terms(latencySeconds, tMem, tMma, 0, latencySeconds + blended);
  }
}
