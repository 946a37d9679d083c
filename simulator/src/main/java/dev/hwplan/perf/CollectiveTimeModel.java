package dev.hwplan.perf;

import dev.hwplan.hardware.GpuProfile;

/**
 * The alpha-beta model of a ring collective (Hockney 1994; Thakur, Rabenseifner and Gropp 2005):
 *
 * <pre>
 *   t = steps(n) x alpha + trafficFactor(n) x bytes / (linkFraction x linkBandwidth)
 * </pre>
 *
 * with the scale-up link's per-direction bandwidth from the profile. {@code alpha} is the latency
 * of one ring step, including the launch cost the framework adds.
 */
public record CollectiveTimeModel(double alphaSeconds, double linkFraction) {
  public Terms time(GpuProfile gpu, OpShape.Comm s) {
    if (s.gpus() < 2) {
      return new Terms(0, 0, 0, 0, 0);
    }
    double latency = s.collective().steps(s.gpus()) * alphaSeconds;
    double link =
        s.bytes()
            * s.collective().trafficFactor(s.gpus())
            / (linkFraction * Roofline.linkBytesPerSecond(gpu));
    return new Terms(latency, 0, 0, link, latency + link);
  }
}
