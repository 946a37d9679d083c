package dev.hwplan.perf;

import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.Locale;

/** The three prediction modes of DESIGN.md: a roofline bound, a calibrated roofline, a lookup. */
public enum Mode implements Keyed {
  /** {@code max(flops / peak, bytes / bandwidth)} from the profile's peaks: a lower bound. */
  SOL,
  /** The roofline with efficiencies fitted to committed measurements (the default). */
  CALIBRATED,
  /** A committed measurement of this exact shape on this GPU, else calibrated with a note. */
  MEASURED;

  private final String key = name().toLowerCase(Locale.ROOT);

  /** The lower-case key used in JSON and on the command line. */
  public String key() {
    return key;
  }

  public static Mode parse(String s, String field) {
    return Keyed.parse(List.of(values()), s, field, "mode");
  }
}
