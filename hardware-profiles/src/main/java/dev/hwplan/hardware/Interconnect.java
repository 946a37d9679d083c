package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.positiveOrNull;

/**
 * Scale-up and host links. Bandwidths are the vendor's bidirectional totals in GB/s (H100 SXM5
 * NVLink 4: 18 links, 900 GB/s); per-direction bandwidth is half.
 */
public record Interconnect(
    String scaleUpName,
    Integer nvlinkGeneration,
    Integer scaleUpLinks,
    Double scaleUpBidirectionalGBps,
    Integer pcieGeneration,
    Double pcieBidirectionalGBps) {
  public Interconnect {
    positiveOrNull(nvlinkGeneration, "nvlinkGeneration");
    positiveOrNull(scaleUpLinks, "scaleUpLinks");
    positiveOrNull(scaleUpBidirectionalGBps, "scaleUpBidirectionalGBps");
    positiveOrNull(pcieGeneration, "pcieGeneration");
    positiveOrNull(pcieBidirectionalGBps, "pcieBidirectionalGBps");
  }

  /** Per-direction scale-up bandwidth in bytes/s, or 0 where the device has none. */
  public double scaleUpBytesPerSecondPerDirection() {
    return scaleUpBidirectionalGBps == null ? 0 : scaleUpBidirectionalGBps * 1e9 / 2;
  }

  /** Per-direction PCIe bandwidth in bytes/s, or 0 where unknown. */
  public double pcieBytesPerSecondPerDirection() {
    return pcieBidirectionalGBps == null ? 0 : pcieBidirectionalGBps * 1e9 / 2;
  }
}
