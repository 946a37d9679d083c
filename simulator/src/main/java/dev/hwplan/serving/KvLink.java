package dev.hwplan.serving;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

/**
 * The link a disaggregated deployment's KV caches cross from the prefill pool to the decode pool,
 * and each GPU's bandwidth on it per direction: NVLink when both pools are one GPU type within one
 * node ({@link ServingPlan#NODE_GPUS}), else the NICs ({@link ServingPlan#NIC_BYTES_PER_SECOND}),
 * unless {@code --kv-link} names one or gives a bandwidth in GB/s.
 */
record KvLink(String name, double bytesPerSecond) {
  /**
   * The link for {@code --kv-link} {@code link} (null or blank: chosen as above) between {@code
   * decode} and {@code prefill} GPUs, {@code totalGpus} in all.
   */
  static KvLink resolve(String link, GpuProfile decode, GpuProfile prefill, int totalGpus) {
    String l = link == null ? "" : link.trim().toLowerCase(Locale.ROOT);
    double nvlink = decode.equals(prefill) ? Math.min(scaleUp(decode), scaleUp(prefill)) : 0;
    if (l.isEmpty()) {
      boolean inNode = totalGpus <= ServingPlan.NODE_GPUS && nvlink > 0;
      return inNode
          ? new KvLink("nvlink", nvlink)
          : new KvLink("nic", ServingPlan.NIC_BYTES_PER_SECOND);
    }
    if (l.equals("nvlink")) {
      if (!(nvlink > 0)) {
        throw InvalidInputException.option(
            "--kv-link", "nvlink needs one GPU type with a scale-up link in its profile");
      }
      return new KvLink("nvlink", nvlink);
    }
    if (l.equals("nic")) {
      return new KvLink("nic", ServingPlan.NIC_BYTES_PER_SECOND);
    }
    double gbs;
    try {
      gbs = Double.parseDouble(l);
    } catch (NumberFormatException e) {
      throw InvalidInputException.option(
          "--kv-link", "'" + link + "' is not nvlink, nic or a bandwidth in GB/s");
    }
    if (!(gbs > 0) || Double.isInfinite(gbs)) {
      throw InvalidInputException.option(
          "--kv-link", "must be a positive bandwidth in GB/s, got " + link);
    }
    return new KvLink(link.trim() + " GB/s", gbs * 1e9);
  }

  private static double scaleUp(GpuProfile g) {
    return g.interconnect() == null ? 0 : g.interconnect().scaleUpBytesPerSecondPerDirection();
  }
}
