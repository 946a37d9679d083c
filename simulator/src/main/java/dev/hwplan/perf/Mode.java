package dev.hwplan.perf;

import dev.hwplan.io.Keyed;
import java.util.List;

/** The three prediction modes of DESIGN.md: a roofline bound, a calibrated roofline, a lookup. */
public enum Mode implements Keyed.ByName {
  /** {@code max(flops / peak, bytes / bandwidth)} from the profile's peaks: a lower bound. */
  SOL,
  /** The roofline with efficiencies fitted to committed measurements (the default). */
  CALIBRATED,
  /** A committed measurement of this exact shape on this GPU, else calibrated with a note. */
  MEASURED;

  public static Mode parse(String s, String field) {
    return Keyed.parse(List.of(values()), s, field, "mode");
  }
}
