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
    Interconnect ic = gpu.interconnect();
    boolean hasScaleUp =
        ic != null
            && ic.scaleUpBytesPerSecondPerDirection() > 0
            && ic.scaleUpName() != null
            && !ic.scaleUpName().equalsIgnoreCase("none");
    if (hasScaleUp) {
      return new Link(ic.scaleUpName(), ic.scaleUpBytesPerSecondPerDirection(), latencySeconds);
    }
    double pcie = ic == null ? 0 : ic.pcieBytesPerSecondPerDirection();
    if (pcie <= 0) {
      throw new InvalidInputException(
          "profiles/" + gpu.id() + ".yaml", "interconnect", "no link bandwidth is recorded");
    }
    return new Link("PCIe", pcie, latencySeconds);
  }
}
