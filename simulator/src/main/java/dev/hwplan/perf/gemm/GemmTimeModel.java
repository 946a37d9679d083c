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
    return combine(latencySeconds, gpu.peakFlops(dtype), readBandwidth, dtype, bytes, mma, util);
  }

  /** A grouped GEMM: every active expert's tiles share the waves. */
  public Terms time(
      DevicePeaks gpu, double readBandwidth, DType dtype, OpShape.GroupedGemm s, double bytes) {
    double rows = s.activeExperts() * (double) s.maxRowsPerExpert();
    double util = gpu.gemmUtilisation(s.activeExperts(), s.maxRowsPerExpert(), s.n(), s.k());
    return combine(
        latencySeconds,
        gpu.peakFlops(dtype),
        readBandwidth,
        dtype,
        bytes,
        2.0 * rows * s.n() * s.k(),
        util);
  }

  /**
   * The fixed cost of a strided-batched launch ({@code torch.bmm}) over the dense GEMM's {@link
   * #latencySeconds}: 0.693, fitted (least squares of log(predicted / measured)) on the 30 train
   * rows of {@code batched-gemm.json} (H200, attention and MLA's absorbed projections), with the
   * output written at the copy rate. Small launches said it: MLA's absorbed projections of 16 heads
   * take 3.3 to 4.7 us in all, less than the dense GEMM's fitted 3.5 us intercept plus their bytes;
   * the dense intercept was extrapolated from launches of 7 us and more, whose small-M shapes the
   * tile search splits over K (a launch of many groups fills the SMs without a split). That the
   * dense intercept carries a split-K reduction is a guess that no measurement here tests; the
   * ratio is a fitted constant.
   */
  public static final double BATCHED_LATENCY_RATIO = 0.693;

  /**
   * {@code s.activeExperts()} independent GEMMs of one shape in one cuBLAS strided-batched launch
   * ({@code torch.bmm}): every group's tiles share the waves, as in {@link #time(DevicePeaks,
   * double, DType, OpShape.GroupedGemm, double)}, and the output is written at the copy rate: its
   * {@code bytesWritten} cost {@code readBandwidth / copyBandwidth} read bytes each. The harness's
   * copy kernel (reads and writes at once) sustains 3.97 TB/s on the H200 against the read kernel's
   * 4.67: HBM turns its bus around between reads and writes. Where the output dominates
   * (attention's {@code Q K^T}, which writes the {@code s x s} scores from a head dim of 64 or 128)
   * the read rate had it 14 to 21% fast on the train rows (H200, {@code batched-gemm.json}); at the
   * copy rate 2 to 10%. The launch's fixed cost is {@link #BATCHED_LATENCY_RATIO} of the dense
   * GEMM's.
   *
   * @param copyBandwidth the GPU's achieved copy (read plus write) rate, bytes per second
   */
  public Terms batchedTime(
      DevicePeaks gpu,
      double readBandwidth,
      double copyBandwidth,
      DType dtype,
      OpShape.GroupedGemm s,
      double bytesRead,
      double bytesWritten) {
    double flops = 2.0 * s.activeExperts() * (double) s.maxRowsPerExpert() * s.n() * s.k();
    double util = gpu.gemmUtilisation(s.activeExperts(), s.maxRowsPerExpert(), s.n(), s.k());
    double bytes = bytesRead + bytesWritten * (readBandwidth / copyBandwidth);
    return combine(
        BATCHED_LATENCY_RATIO * latencySeconds,
        gpu.peakFlops(dtype),
        readBandwidth,
        dtype,
        bytes,
        flops,
        util);
  }

  private Terms combine(
      double latency,
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
    return new Terms(latency, tMem, tMma, 0, latency + blended);
  }
}
