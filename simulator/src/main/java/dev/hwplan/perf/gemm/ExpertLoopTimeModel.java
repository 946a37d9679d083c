package dev.hwplan.perf.gemm;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;

/**
 * The MoE experts as plain implementations run them: a loop of one cuBLAS GEMM per expert ({@code
 * for e in range(E): F.linear(X[e*T:(e+1)*T], W[e])}), captured in a CUDA graph. Each expert's GEMM
 * is a kernel of its own, so the loop is {@code E} times one expert's time, and one expert's time
 * is set by how many CTAs its kernel has, not by the whole GPU (issue 15, freeze VII):
 *
 * <ul>
 *   <li><b>Fixed cost</b> ({@code latencySeconds}): the launch-to-launch gap inside the graph and
 *       the kernel's prologue and epilogue, about 2 us an expert; a 3 MB expert (Qwen3-30B-A3B's
 *       down projection) takes 4.2 us on the H200 whatever its 1 to 256 tokens.
 *   <li><b>Output tiles</b>: at few tokens cuBLAS's kernels put the {@code n} outputs on the tile's
 *       wide side, {@value #TILE_COLS} a CTA, and up to {@value #TILE_ROWS} tokens on the other, so
 *       an expert has {@code ceil(n / 128) ceil(T / 256)} output tiles: 8 for an {@code n = 1024}
 *       expert, far fewer than the 132 SMs.
 *   <li><b>Split-K</b>: when the reduction is at least as long as the outputs are wide ({@code k >=
 *       n}, gate/up projections, whose {@code k} is the model width) and the tiles leave SMs idle,
 *       the K loop is cut into {@code s = min(SMs / tiles, max(2, k / 512))} slices, so that {@code
 *       tiles x s} CTAs stream the weights; the slices' partial sums are then reduced, which costs
 *       {@code splitSeconds + splitSecondsPerSlice (s - 1)} (the seen rows: every {@code k > n}
 *       matrix runs 1 to 3.5 us an expert slower at few tokens than its transpose, the {@code k <
 *       n} matrix of the same bytes; DeepSeek-V3's 2048 x 7168 gate/up 12.9 us against 10.1 us for
 *       its 7168 x 2048 down projection).
 *   <li><b>Weight stream</b>: each CTA streams its tiles at a bounded rate ({@code
 *       ctaBytesPerCycle} a SM cycle), so few CTAs cannot draw the read bandwidth; the CTAs' stream
 *       and the read bandwidth ({@code streamFraction} of it) meet in a knee, {@code (t_cta^3 +
 *       t_hbm^3)^(1/3)} ({@link #KNEE_EXPONENT}).
 *   <li><b>MMA</b>: the calibrated cuBLAS GEMM model's compute term (tile and wave quantisation of
 *       the expert's {@code T x n x k}), blended with the stream by {@code blendExponent}.
 * </ul>
 *
 * <pre>
 *   tiles  = ceil(n / 128) ceil(T / 256),  s = split slices (1 without split-K)
 *   CTAs   = min(SMs, tiles s)
 *   t_w    = ((bytes / (CTAs ctaBytesPerCycle clock))^3 + (bytes / (streamFraction read))^3)^(1/3)
 *   t      = latency + (t_w^p + t_mma^p)^(1/p) + [s > 1] (splitSeconds + splitSecondsPerSlice (s-1))
 *   loop   = E t
 * </pre>
 *
 * Before (freeze VI and earlier) an expert was the dense GEMM model's time of its {@code T x n x k}
 * plus a fitted gap, which streamed every expert at the GPU's read rate: small experts were
 * predicted up to 47% slow (the dense model's latency) and gate/up projections up to 29% fast (no
 * split-K reduction). Fitted with {@code GroupedGemmFitter} on the loop times of the grouped-GEMM
 * training files.
 *
 * @param latencySeconds fixed cost of one expert's GEMM in the graph
 * @param streamFraction the share of the read bandwidth the experts' weights stream at
 * @param ctaBytesPerCycle bytes one CTA streams a SM cycle
 * @param blendExponent the p-norm of the stream and MMA terms
 * @param splitSeconds the split-K reduction's fixed cost
 * @param splitSecondsPerSlice its cost for each slice beyond the first
 */
public record ExpertLoopTimeModel(
    double latencySeconds,
    double streamFraction,
    double ctaBytesPerCycle,
    double blendExponent,
    double splitSeconds,
    double splitSecondsPerSlice) {
  /** Outputs ({@code n}) a CTA covers at few tokens. */
  public static final int TILE_COLS = 128;

  /** Tokens a CTA covers at few tokens. */
  public static final int TILE_ROWS = 256;

  /** The least depth of {@code k} a split-K slice keeps. */
  public static final int MIN_SLICE_DEPTH = 512;

  /**
   * The exponent of the knee where the CTAs' stream meets the read bandwidth. Chosen, not fitted,
   * on the seen files (2, 3 and 4 gave the same training error within 0.3 point; 3 had the lowest
   * worst p90 over the seen files).
   */
  public static final double KNEE_EXPONENT = 3;

  /** Output tiles of one expert's GEMM of {@code rows} tokens. */
  static long tiles(long rows, long n) {
    return ceilDiv(n, TILE_COLS) * ceilDiv(Math.max(1, rows), TILE_ROWS);
  }

  /** Split-K slices cuBLAS cuts the K loop into: 1 where it does not split. */
  public static long slices(long rows, long n, long k, int sms) {
    long tiles = tiles(rows, n);
    if (k < n || tiles >= sms) {
      return 1;
    }
    long s = Math.min(sms / tiles, Math.max(2, k / MIN_SLICE_DEPTH));
    return s >= 2 ? s : 1;
  }

  /** One expert's GEMM of {@code rows} tokens: {@code rows x n x k}. */
  public double expertSeconds(
      GemmTimeModel gemm,
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      long rows,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    double bytes =
        rows * (double) k * activationBytes
            + n * (double) k * weightBytes
            + rows * (double) n * activationBytes;
    long s = slices(rows, n, k, gpu.sms());
    double ctas = Math.min(gpu.sms(), tiles(rows, n) * s);
    double clock = gpu.smCyclesPerSecond() / gpu.sms();
    double cta = bytes / (ctas * ctaBytesPerCycle * clock);
    double hbm = bytes / (streamFraction * readBandwidth);
    double stream = Knee.join(cta, hbm, KNEE_EXPONENT);
    OpShape.Gemm g = new OpShape.Gemm(rows, n, k, activationBytes, weightBytes);
    double mma = gemm.time(gpu, readBandwidth, dtype, g, bytes).computeSeconds();
    double t = latencySeconds + Knee.join(stream, mma, blendExponent);
    return s > 1 ? t + splitSeconds + splitSecondsPerSlice * (s - 1) : t;
  }

  /** The loop over {@code experts} experts of {@code rows} tokens each. */
  public double seconds(
      GemmTimeModel gemm,
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      long rows,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    return experts
        * expertSeconds(gemm, gpu, readBandwidth, dtype, rows, n, k, activationBytes, weightBytes);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
