package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;

/**
 * Calibrated split-K (flash-decoding) attention time, for GQA/MHA/MQA decode and for latent MLA
 * decode. The context of each work unit (a KV head of a sequence, or a block of {@code headsPerCta}
 * MLA heads) is split into {@code s} chunks, one CTA each, and the kernel takes the best {@code s},
 * as the harness's split tuning does:
 *
 * <pre>
 *   t = latency + min over s of max(bytes / (bandwidthFraction x readBandwidth),
 *                                   waves(s) x (ctaFixed + chunk(s) x flopsPerToken / ctaRate))
 *   waves(s) = ceil(units x s / (SMs x 2)),  ctaRate = ctaMatrixFraction x peak(bf16) / SMs
 * </pre>
 *
 * The query rows of a unit are padded to the MMA's 16 rows (mma.sync m16n8k16), which is why MQA
 * and small groups cost more per byte than the bandwidth alone says (Dao et al. 2023,
 * "Flash-Decoding for long-context inference"; PTX ISA, warp-level MMA shapes).
 */
public record SplitKTimeModel(
    double latencySeconds,
    double bandwidthFraction,
    double ctaMatrixFraction,
    double ctaFixedSeconds) {
  private static final int[] SPLITS = {1, 2, 4, 8, 12, 16, 32, 64, 128, 256};
  private static final int CTAS_PER_SM = 2;
  private static final int MMA_ROWS = 16;

  /** Heads of one MLA CTA (the harness's latent kernel holds 64 heads per block). */
  public static final int MLA_HEADS_PER_CTA = 64;

  /** Decode attention over a GQA/MHA/MQA cache. */
  public Terms time(GpuProfile gpu, double readBandwidth, OpShape.Attention s, double bytes) {
    long units = s.batch() * s.kvHeads();
    int rows = roundUp(s.group(), MMA_ROWS);
    double flopsPerToken = 2.0 * rows * (s.headDim() + s.valueDim());
    return time(gpu, readBandwidth, units, s.context(), flopsPerToken, bytes);
  }

  /** Latent MLA decode. */
  public Terms time(GpuProfile gpu, double readBandwidth, OpShape.Mla s, double bytes) {
    int perCta = Math.min(s.heads(), MLA_HEADS_PER_CTA);
    long units = s.batch() * ((s.heads() + perCta - 1) / perCta);
    int rows = roundUp(perCta, MMA_ROWS);
    double flopsPerToken = 2.0 * rows * (2 * s.kvLoraRank() + s.ropeDim());
    return time(gpu, readBandwidth, units, s.context(), flopsPerToken, bytes);
  }

  private Terms time(
      GpuProfile gpu,
      double readBandwidth,
      long units,
      long context,
      double flopsPerToken,
      double bytes) {
    double tMem = bytes / (bandwidthFraction * readBandwidth);
    double ctaRate = ctaMatrixFraction * Roofline.peakFlops(gpu, DType.BF16) / gpu.sms();
    long slots = (long) gpu.sms() * CTAS_PER_SM;
    double best = Double.POSITIVE_INFINITY;
    double bestCompute = 0;
    for (int s : SPLITS) {
      if (s > 1 && context / s < 16) {
        break;
      }
      long ctas = units * s;
      long waves = (ctas + slots - 1) / slots;
      long chunk = (context + s - 1) / s;
      double tCta = waves * (ctaFixedSeconds + chunk * flopsPerToken / ctaRate);
      double t = Math.max(tMem, tCta);
      if (t < best) {
        best = t;
        bestCompute = tCta;
      }
    }
    return new Terms(latencySeconds, tMem, bestCompute, 0, latencySeconds + best);
  }

  static int roundUp(int v, int to) {
    return Math.max(to, (v + to - 1) / to * to);
  }
}
