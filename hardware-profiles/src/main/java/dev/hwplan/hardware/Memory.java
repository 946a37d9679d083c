package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.positive;
import static dev.hwplan.io.Checks.positiveOrNull;
import static dev.hwplan.io.Checks.required;

/**
 * Device memory and the last-level cache. {@code bandwidthGBps} is the vendor's figure in 10^9
 * bytes per second; {@code capacityBytes} is exact (HBM stacks come in binary sizes).
 */
public record Memory(
    Long capacityBytes, String type, Integer busWidthBits, Double bandwidthGBps, Double l2MiB) {
  public Memory {
    required(capacityBytes, "capacityBytes");
    positiveOrNull(capacityBytes, "capacityBytes");
    positiveOrNull(busWidthBits, "busWidthBits");
    positive(bandwidthGBps, "bandwidthGBps");
    positiveOrNull(l2MiB, "l2MiB");
  }

  public double bandwidthBytesPerSecond() {
    return bandwidthGBps * 1e9;
  }

  /** L2 in bytes, or 0 where unknown. */
  public long l2Bytes() {
    return l2MiB == null ? 0L : Math.round(l2MiB * 1024 * 1024);
  }
}
