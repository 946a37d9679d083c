package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;

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
 * the fp8 fraction.
 */
public record GemmTimeModel(
    double latencySeconds,
    double bandwidthFraction,
    double bf16MatrixFraction,
    double fp8MatrixFraction,
    double blendExponent) {
  private static final int[][] TILES = {
    {128, 256}, {256, 128}, {128, 128}, {64, 256}, {128, 64}, {64, 128}
  };
  private static final int[] SPLITS = {1, 2, 3, 4, 6, 8, 12, 16};

  public double matrixFraction(DType d) {
    return d.bytes() <= 1.0 ? fp8MatrixFraction : bf16MatrixFraction;
  }

  /**
   * One GEMM moving {@code bytes}: {@code readBandwidth} is the GPU's achieved streaming read rate.
   */
  public Terms time(
      GpuProfile gpu, double readBandwidth, DType dtype, OpShape.Gemm s, double bytes) {
    double util = utilisation(1, s.m(), s.n(), s.k(), gpu.sms());
    double mma = 2.0 * s.m() * s.n() * s.k();
    return combine(gpu, readBandwidth, dtype, bytes, mma, util);
  }

  /** A grouped GEMM: every active expert's tiles share the waves. */
  public Terms time(
      GpuProfile gpu, double readBandwidth, DType dtype, OpShape.GroupedGemm s, double bytes) {
    double rows = s.activeExperts() * (double) s.maxRowsPerExpert();
    double util = utilisation(s.activeExperts(), s.maxRowsPerExpert(), s.n(), s.k(), gpu.sms());
    return combine(gpu, readBandwidth, dtype, bytes, 2.0 * rows * s.n() * s.k(), util);
  }

  private Terms combine(
      GpuProfile gpu, double readBandwidth, DType dtype, double bytes, double flops, double util) {
    double tMem = bytes / (bandwidthFraction * readBandwidth);
    double tMma = flops / (matrixFraction(dtype) * Roofline.peakFlops(gpu, dtype) * util);
    double p = blendExponent;
    double big = Math.max(tMem, tMma);
    double blended = big * Math.pow(Math.pow(tMem / big, p) + Math.pow(tMma / big, p), 1 / p);
    return new Terms(latencySeconds, tMem, tMma, 0, latencySeconds + blended);
  }

  /**
   * Best useful fraction of the MMA units over tile shapes and split-K factors for {@code groups}
   * independent {@code m x n x k} problems on {@code sms} SMs.
   */
  public static double utilisation(int groups, long m, long n, long k, int sms) {
    double best = 0;
    for (int[] t : TILES) {
      long tm = (m + t[0] - 1) / t[0];
      long tn = (n + t[1] - 1) / t[1];
      double pad = (m * (double) n) / (tm * t[0] * (double) tn * t[1]);
      long tiles = groups * tm * tn;
      for (int s : SPLITS) {
        if (s > 1 && k / s < 512) {
          break;
        }
        long units = tiles * s;
        long waves = (units + sms - 1) / sms;
        best = Math.max(best, pad * units / (double) (waves * sms));
      }
      if (best >= 0.999) {
        return best; // no shape can do better than full waves of full tiles
      }
    }
    return best;
  }
}
