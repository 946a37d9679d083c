package dev.hwplan.perf.attention;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;

/**
 * PyTorch SDPA's flash backend on decode: FlashAttention-2 packs the query heads of a KV head into
 * the rows of its split-KV kernel's 64-row tile ({@code kBlockM}; {@code seqlenq_ngroups_swapped}
 * in flash-attention's {@code mha_fwd_kvcache}), so the MMA work is {@code 2 b kvHeads
 * roundUp(group, 64) S (d + dv)} however few rows are real:
 *
 * <pre>
 *   t = latency + max(bytes / (bandwidthFraction x readBandwidth),
 *                     paddedFlops / (matrixFraction x peak(bf16)))
 * </pre>
 */
public record SdpaFlashTimeModel(
    double latencySeconds, double bandwidthFraction, double matrixFraction) {
  private static final int TILE_ROWS = 64;

  public Terms time(DevicePeaks gpu, double readBandwidth, OpShape.Attention s, double bytes) {
    double rows = SplitKTimeModel.roundUp(s.group(), TILE_ROWS);
    double flops =
        2.0 * s.batch() * s.kvHeads() * rows * s.context() * ((long) s.headDim() + s.valueDim());
    double tMem = bytes / (bandwidthFraction * readBandwidth);
    double tMma = flops / (matrixFraction * gpu.peakFlops(DType.BF16));
    return new Terms(latencySeconds, tMem, tMma, 0, latencySeconds + Math.max(tMem, tMma));
  }
}
