package dev.hwplan.hardware.calibration;

import static dev.hwplan.io.Checks.nonBlank;

/**
 * Where a measurement came from: the device as its driver names it, the driver, the date (ISO
 * 8601), the tool that measured, and the host.
 */
public record Provenance(String device, String driver, String date, String tool, String host) {
  public Provenance {
    nonBlank(device, "device");
    nonBlank(date, "date");
    nonBlank(tool, "tool");
  }
}
