package dev.hwplan.op;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

/** Prefill processes the prompt; decode produces one token per sequence against the cache. */
public enum Phase {
  PREFILL,
  DECODE;

  private final String key = name().toLowerCase(Locale.ROOT);

  /** The lower-case key used in JSON and on the command line. */
  public String key() {
    return key;
  }

  public static Phase parse(String s, String field) {
    if (s != null) {
      for (Phase p : values()) {
        if (p.key().equalsIgnoreCase(s.trim())) {
          return p;
        }
      }
    }
    throw InvalidInputException.option(field, "unknown phase '" + s + "' (known: prefill, decode)");
  }
}
