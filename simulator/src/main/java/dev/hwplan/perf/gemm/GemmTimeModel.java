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
    return combine(latencySeconds, gpu.peakFlops(dtype), readBandwidth, dtype, bytes, mma, util, 0);
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
        util,
        0);
  }

  /**
   * The fixed cost of a strided-batched launch ({@code torch.bmm}) over the dense GEMM's {@link
   * #latencySeconds}: 0.65, fitted with {@link #BATCHED_TILE_BYTES_PER_CYCLE} (least squares of
   * log(predicted / measured)) on the 30 train rows of {@code batched-gemm.json} (H200, attention
   * and MLA's absorbed projections), with the output written at the copy rate. Small launches said
   * it: MLA's absorbed projections of 16 heads take 3.3 to 4.7 us in all, less than the dense
   * GEMM's fitted 3.5 us intercept plus their bytes. As a ratio it carries each GPU's own dense
   * intercept: the H100's launches of 16 and 32 heads at K = 128 (3.3 and 3.8 us, {@code
   * batched-gemm-validation2.json}) leave no room for the H200's 2.4 us.
   */
  public static final double BATCHED_LATENCY_RATIO = 0.65;

  /**
   * The operand bytes one SM's tile pipeline loads a cycle when a strided-batched launch has no
   * more tiles than SMs: 60, fitted with {@link #BATCHED_LATENCY_RATIO} on the same train rows. See
   * {@link #serialTileSeconds}.
   */
  public static final double BATCHED_TILE_BYTES_PER_CYCLE = 60;

  /** Rows and columns of the output tile a small strided-batched launch is taken to run. */
  public static final int SERIAL_TILE_ROWS = 64;

  public static final int SERIAL_TILE_COLS = 128;

  /**
   * One tile's K loop, where a strided-batched launch of {@code groups} GEMMs has no more {@code 64
   * x 128} output tiles than SMs (one wave): each tile is one CTA on one SM, which loads its {@code
   * (64 + 128) x K} operands through its own pipeline at {@code bytesPerCycle}, so the launch
   * cannot end before one tile's K loop has. MLA's absorbed projections say it: {@code latent x
   * W_uv} (K 512, N 128) has a quarter of {@code q_nope x W_uk}'s (K 128, N 512) tiles, each with
   * four times the K loop, over the same bytes, and ran 6 to 16% slower than the bytes alone
   * predicted on both GPUs (H200 train and validation, H100 validation2), where {@code W_uk}'s did
   * not. A launch of at most an eighth of the SMs' tiles is taken as split over K by cuBLAS (the
   * largest power of two that keeps the CTAs within half the SMs and 64 of K a split): one train
   * row (16 heads, M 64, 16 tiles, 3.5 us on the H200) ran as fast as its bytes, which an unsplit
   * 512-long K loop cannot; the threshold is a guess that no other measured row tests. Zero for a
   * launch of more tiles than SMs, where the waves' bytes and MMAs bind.
   */
  public static double serialTileSeconds(
      DevicePeaks gpu, DType dtype, OpShape.GroupedGemm s, double bytesPerCycle) {
    long tiles =
        s.activeExperts()
            * ceilDiv(s.maxRowsPerExpert(), SERIAL_TILE_ROWS)
            * ceilDiv(s.n(), SERIAL_TILE_COLS);
    int sms = gpu.sms();
    if (tiles > sms) {
      return 0;
    }
    long split = 1;
    if (tiles <= sms / 8) {
      while (tiles * split * 2 <= sms / 2 && s.k() / (split * 2) >= 64) {
        split *= 2;
      }
    }
    double bytes = (SERIAL_TILE_ROWS + SERIAL_TILE_COLS) * ((double) s.k() / split) * dtype.bytes();
    return bytes / (bytesPerCycle * gpu.smCyclesPerSecond() / sms);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /**
   * {@code s.activeExperts()} independent GEMMs of one shape in one cuBLAS strided-batched launch
   * ({@code torch.bmm}): every group's tiles share the waves, as in {@link #time(DevicePeaks,
   * double, DType, OpShape.GroupedGemm, double)}, and the output is written at the copy rate: its
   * {@code bytesWritten} cost {@code readBandwidth / copyBandwidth} read bytes each. The harness's
   * copy kernel (reads and writes at once) sustains 3.97 TB/s on the H200 against the read kernel's
   * 4.67: HBM turns its bus around between reads and writes. Where the output dominates
   * (attention's {@code Q K^T}, which writes the {@code s x s} scores from a head dim of 64 or 128)
   * the read rate had it 14 to 21% fast on the train rows (H200, {@code batched-gemm.json}); at the
   * copy rate 2 to 10%. A launch of one wave cannot end before one tile's K loop ({@link
   * #serialTileSeconds}): that and the bytes' time meet in quadrature, {@code t_mem =
   * sqrt(t_bytes^2 + t_tile^2)} (a knee, as where {@code SplitKTimeModel} adds its loaded latency;
   * 2 fitted the train rows better than 3 or 4). The launch's fixed cost is {@code latencyRatio} of
   * the dense GEMM's. The product passes {@link #BATCHED_LATENCY_RATIO} and {@link
   * #BATCHED_TILE_BYTES_PER_CYCLE}; their fit passes others.
   *
   * @param copyBandwidth the GPU's achieved copy (read plus write) rate, bytes per second
   * @param latencyRatio the launch's fixed cost over {@link #latencySeconds}
   * @param tileBytesPerCycle one SM's operand loads a cycle in {@link #serialTileSeconds}
   */
  public Terms batchedTime(
      DevicePeaks gpu,
      double readBandwidth,
      double copyBandwidth,
      DType dtype,
      OpShape.GroupedGemm s,
      double bytesRead,
      double bytesWritten,
      double latencyRatio,
      double tileBytesPerCycle) {
    double flops = 2.0 * s.activeExperts() * (double) s.maxRowsPerExpert() * s.n() * s.k();
    double util = gpu.gemmUtilisation(s.activeExperts(), s.maxRowsPerExpert(), s.n(), s.k());
    double bytes = bytesRead + bytesWritten * (readBandwidth / copyBandwidth);
    double tile = serialTileSeconds(gpu, dtype, s, tileBytesPerCycle);
    return combine(
        latencyRatio * latencySeconds,
        gpu.peakFlops(dtype),
        readBandwidth,
        dtype,
        bytes,
        flops,
        util,
        tile);
  }

  private Terms combine(
      double latency,
      double peakFlops,
      double readBandwidth,
      DType dtype,
      double bytes,
      double flops,
      double util,
      double serialSeconds) {
    double tBytes = bytes / (bandwidthFraction * readBandwidth);
    double tMem = serialSeconds == 0 ? tBytes : Math.hypot(tBytes, serialSeconds);
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
