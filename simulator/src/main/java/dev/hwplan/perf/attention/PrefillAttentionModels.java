package dev.hwplan.perf.attention;

import dev.hwplan.op.AttentionKernel;

/**
 * The calibrated prefill-attention models of one GPU: SDPA's FlashAttention-2 and cuDNN backends,
 * forward and backward, each a {@link PrefillAttentionTimeModel} fitted on its own rows.
 */
public record PrefillAttentionModels(
    PrefillAttentionTimeModel flashForward,
    PrefillAttentionTimeModel flashBackward,
    PrefillAttentionTimeModel cudnnForward,
    PrefillAttentionTimeModel cudnnBackward) {

  /** The model of {@code kernel} ({@code CUDNN} or else FlashAttention-2) in one direction. */
  public PrefillAttentionTimeModel model(AttentionKernel kernel, boolean backward) {
    if (kernel == AttentionKernel.CUDNN) {
      return backward ? cudnnBackward : cudnnForward;
    }
    return backward ? flashBackward : flashForward;
  }

  /** The residual family key of a backend and direction, as {@code GpuCalibration} spreads it. */
  public static String family(AttentionKernel kernel, boolean backward) {
    return (kernel == AttentionKernel.CUDNN ? "prefill-cudnn" : "prefill-flash")
        + (backward ? "-bwd" : "");
  }
}
