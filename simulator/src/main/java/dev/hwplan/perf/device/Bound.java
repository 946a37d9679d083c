package dev.hwplan.perf.device;

import java.util.Locale;

/** What limits an op's time: the largest term of its model. */
public enum Bound {
  /** Matrix or vector arithmetic. */
  COMPUTE,
  /** Device memory traffic. */
  MEMORY,
  /** The fixed cost of a kernel (launch, prologue, pipeline fill) or of a message. */
  LATENCY,
  /** Link bandwidth between GPUs (collectives and point-to-point transfers). */
  NETWORK;

  private final String key = name().toLowerCase(Locale.ROOT);

  /** The lower-case key used in JSON and on the command line. */
  public String key() {
    return key;
  }
}
