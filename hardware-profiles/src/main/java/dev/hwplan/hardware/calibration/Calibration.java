package dev.hwplan.hardware.calibration;

import static dev.hwplan.io.Checks.nonBlank;
import static dev.hwplan.io.Checks.required;

import java.util.List;
import java.util.Map;

/**
 * Measured ceilings of one device, with their provenance: achieved bandwidths and matrix rates
 * (bytes/s and FLOP/s), a per-kernel latency floor, and the raw rows they were taken from.
 *
 * @param profileId the hardware profile this calibrates
 * @param ceilings named ceilings, e.g. {@code readBytesPerSecond}, {@code gemmBf16FlopsPerSecond}
 * @param rows raw measurement rows by kernel family (bandwidth, gemm, decodeAttention, ...)
 */
public record Calibration(
    String profileId,
    Provenance provenance,
    Map<String, Double> ceilings,
    Map<String, List<Map<String, Object>>> rows) {
  public Calibration {
    nonBlank(profileId, "profileId");
    required(provenance, "provenance");
    ceilings = ceilings == null ? Map.of() : Map.copyOf(ceilings);
    rows = rows == null ? Map.of() : Map.copyOf(rows);
  }
}
