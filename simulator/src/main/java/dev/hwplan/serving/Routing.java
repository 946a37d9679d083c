package dev.hwplan.serving;

import dev.hwplan.io.InvalidInputException;

/** How a request is sent to one of the replicas. */
public enum Routing {
  /** Each replica in turn. */
  ROUND_ROBIN("round-robin"),
  /** The replica with the fewest requests in flight (lowest index on a tie). */
  LEAST_OUTSTANDING("least-outstanding");

  private final String key;

  Routing(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static Routing parse(String s, String flag) {
    for (Routing r : values()) {
      if (r.key.equalsIgnoreCase(s == null ? "" : s.trim())) {
        return r;
      }
    }
    throw InvalidInputException.option(
        flag, "unknown routing '" + s + "' (known: round-robin, least-outstanding)");
  }
}
