package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.nonBlank;
import static dev.hwplan.io.Checks.positive;

import dev.hwplan.io.InvalidInputException;

/**
 * A point-to-point link as the collective models see it: bandwidth per direction and a fixed
 * latency per message (the alpha-beta model, Hockney 1994).
 */
public record Link(String name, Double bytesPerSecondPerDirection, Double latencySeconds) {
  public Link {
    nonBlank(name, "name");
    positive(bytesPerSecondPerDirection, "bytesPerSecondPerDirection");
    if (latencySeconds == null || latencySeconds < 0 || !Double.isFinite(latencySeconds)) {
      throw new InvalidInputException(
          "", "latencySeconds", "must be zero or positive, got " + latencySeconds);
    }
  }

  /** The NVLink (or other scale-up) link of a GPU, per direction, with an assumed latency. */
  public static Link scaleUp(GpuProfile gpu, double latencySeconds) {
    double bw =
        gpu.interconnect() == null ? 0 : gpu.interconnect().scaleUpBytesPerSecondPerDirection();
    if (bw <= 0) {
      bw = gpu.interconnect() == null ? 0 : gpu.interconnect().pcieBytesPerSecondPerDirection();
    }
    if (bw <= 0) {
      throw new InvalidInputException(
          "profiles/" + gpu.id() + ".yaml", "interconnect", "no link bandwidth is recorded");
    }
    String name =
        gpu.interconnect().scaleUpName() != null ? gpu.interconnect().scaleUpName() : "PCIe";
    return new Link(name, bw, latencySeconds);
  }
}
