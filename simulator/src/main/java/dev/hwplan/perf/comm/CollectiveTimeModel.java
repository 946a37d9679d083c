package dev.hwplan.perf.comm;

import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;
import java.util.List;

/**
 * The alpha-beta model of a ring collective (Hockney 1994; Thakur, Rabenseifner and Gropp 2005):
 *
 * <pre>
 *   t = alpha + trafficFactor(n) x bytes / (linkFraction x linkBandwidth)
 * </pre>
 *
 * with the scale-up link's per-direction bandwidth from the profile. {@code alpha} is the latency
 * of one call as measured (NCCL through torch.distributed, back to back, on 2 GPUs). Only 2-GPU
 * measurements are committed, so the extra ring steps of larger groups add no latency here: for
 * {@code n > 2} the latency is a lower bound (NCCL's LL protocol keeps each hop to about a
 * microsecond, well below the per-call cost).
 *
 * @param measuredGpus the most GPUs among the fitted measurements (0: no measured range)
 * @param minBytes the smallest message measured
 * @param maxBytes the largest message measured
 * @param measuredOn the profiles whose measurements were fitted (empty: none)
 */
public record CollectiveTimeModel(
    double alphaSeconds,
    double linkFraction,
    int measuredGpus,
    double minBytes,
    double maxBytes,
    List<String> measuredOn) {
  public CollectiveTimeModel {
    measuredOn = measuredOn == null ? List.of() : List.copyOf(measuredOn);
  }

  /** A model with no measured range (an uncalibrated link, or a fit's trial point). */
  public CollectiveTimeModel(double alphaSeconds, double linkFraction) {
    this(alphaSeconds, linkFraction, 0, 0, 0, List.of());
  }

  /**
   * Whether {@code s} lies outside the measurements this model was fitted on: more GPUs than the
   * most measured, or fewer or more bytes than the measured sizes. False without a measured range.
   */
  public boolean extrapolates(OpShape.Comm s) {
    return measuredGpus > 0
        && (s.gpus() > measuredGpus || s.bytes() < minBytes || s.bytes() > maxBytes);
  }

  public Terms time(DevicePeaks gpu, OpShape.Comm s) {
    if (s.gpus() < 2) {
      return new Terms(0, 0, 0, 0, 0);
    }
    double latency = alphaSeconds;
    double link =
        s.bytes()
            * s.collective().trafficFactor(s.gpus())
            / (linkFraction * gpu.linkBytesPerSecond());
    return new Terms(latency, 0, 0, link, latency + link);
  }
}
