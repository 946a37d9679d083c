package dev.hwplan.perf.gemm;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;

/**
 * The routed experts' GEMMs of an MoE layer, as {@code torch._grouped_mm} (CUTLASS grouped GEMM)
 * and as a per-expert loop of cuBLAS GEMMs run them.
 *
 * <p>Grouped: every expert's output is cut into {@code 64 x 128} tiles (rows x columns), all
 * experts' tiles share the waves. At few tokens per expert the kernel streams the experts' weights,
 * and a CTA keeps only so many bytes in flight, so the achieved bandwidth is the harmonic blend of
 * the GPU's streaming rate and {@code CTAs x ctaBytesPerSecond} (Little's law per CTA): few CTAs
 * (small experts, few experts) stream well below the copy bandwidth. With many tokens per expert
 * the tiles' MMA work binds, quantised over waves of SMs:
 *
 * <pre>
 *   CTAs = E ceil(n / 128) ceil(rows per expert / 64)
 *   t_mem = bytes / 1/(1/(bandwidthFraction readBandwidth) + 1/(CTAs ctaBytesPerSecond))
 *   t_mma = 2 E ceil(rows/64) 64 n k / (matrixFraction peak(dtype)) x ceil(CTAs/SMs) / (CTAs/SMs)
 *   t     = latency + max(t_mem, t_mma)
 * </pre>
 *
 * Loop: {@code E x (cuBLAS GEMM of the expert's rows + loopGapSeconds)}, the GEMM from the GPU's
 * calibrated {@link GemmTimeModel} and the gap (the launch-to-launch cost inside a CUDA graph)
 * fitted. Fitted on {@code kernels/cuda/results/h200-sxm/grouped-gemm.json} (bf16; other types use
 * the same fractions of their own peak).
 */
public record GroupedGemmTimeModel(
    double latencySeconds,
    double bandwidthFraction,
    double ctaBytesPerSecond,
    double matrixFraction,
    double loopGapSeconds) {
  /** Tile rows (tokens) and columns (outputs) of the grouped kernel. */
  public static final int TILE_ROWS = 64;

  public static final int TILE_COLS = 128;

  /**
   * A grouped GEMM of {@code experts} experts, {@code rowsPerExpert} token rows each (the mean over
   * the active experts), moving {@code bytes}.
   */
  public Terms time(
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      double rowsPerExpert,
      long n,
      long k,
      double bytes) {
    return timeTiles(
        gpu,
        readBandwidth,
        dtype,
        experts,
        Math.ceil(rowsPerExpert / TILE_ROWS),
        false,
        n,
        k,
        bytes);
  }

  /**
   * {@link #time} with {@code mTiles} row tiles an expert (a mean over the experts). With {@code
   * routed} rows the tile count varies with the routing, and the last wave is taken as half full on
   * average rather than quantised.
   */
  private Terms timeTiles(
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      double mTiles,
      boolean routed,
      long n,
      long k,
      double bytes) {
    double ctas = experts * Math.ceil(n / (double) TILE_COLS) * mTiles;
    double bw = 1 / (1 / (bandwidthFraction * readBandwidth) + 1 / (ctas * ctaBytesPerSecond));
    double mem = bytes / bw;
    double perWave = ctas / gpu.sms();
    double waves = (routed ? Math.max(1, perWave + 0.5) : Math.ceil(perWave)) / perWave;
    double mma =
        2.0
            * experts
            * mTiles
            * TILE_ROWS
            * n
            * k
            / (matrixFraction * gpu.peakFlops(dtype))
            * waves;
    return new Terms(latencySeconds, mem, mma, 0, latencySeconds + Math.max(mem, mma));
  }

  /**
   * {@link #time} of the routed experts of an MoE layer. Balanced groups (every group {@code
   * maxRowsPerExpert} rows, as MLA's per-head GEMMs) are timed as they are; routed experts are not
   * balanced, and each expert's last row tile is partly empty: with the rows of the experts spread
   * by routing over more than a tile, an expert holds {@code mean / 64 + 1/2} row tiles on average
   * (at least one), not {@code ceil(mean / 64)}. The Mixtral prefill profiles of {@code
   * kernels/cuda/results/h200-sxm/step-profiles-train.json} (2048 tokens, top-2 of 8: per-expert
   * rows 347 to 745 around a mean of 512) hold 68 to 69 tiles where the mean gives 64, and the
   * grouped GEMM takes 7 % longer than at the mean.
   */
  public Terms time(
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      OpShape.GroupedGemm s,
      double flops,
      double bytes) {
    double rows = flops / (2.0 * s.n() * s.k());
    double mean = rows / s.activeExperts();
    boolean routed = s.maxRowsPerExpert() > Math.ceil(mean);
    double tiles = routed ? Math.max(1, mean / TILE_ROWS + 0.5) : Math.ceil(mean / TILE_ROWS);
    return timeTiles(
        gpu, readBandwidth, dtype, s.activeExperts(), tiles, routed, s.n(), s.k(), bytes);
  }

  /** The per-expert loop: one cuBLAS GEMM per expert, launched back to back in a CUDA graph. */
  public double loopSeconds(
      GemmTimeModel gemm,
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      long rowsPerExpert,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    OpShape.Gemm g = new OpShape.Gemm(rowsPerExpert, n, k, activationBytes, weightBytes);
    double bytes =
        rowsPerExpert * (double) k * activationBytes
            + n * (double) k * weightBytes
            + rowsPerExpert * (double) n * activationBytes;
    return experts * (gemm.time(gpu, readBandwidth, dtype, g, bytes).seconds() + loopGapSeconds);
  }
}
