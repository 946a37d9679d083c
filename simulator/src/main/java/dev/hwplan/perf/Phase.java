package dev.hwplan.perf;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

/** Prefill processes the prompt; decode produces one token per sequence against the cache. */
public enum Phase {
  PREFILL,
  DECODE;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
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
