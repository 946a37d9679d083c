package dev.hwplan.op;

import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.Locale;

/** Prefill processes the prompt; decode produces one token per sequence against the cache. */
public enum Phase implements Keyed {
  PREFILL,
  DECODE;

  private final String key = name().toLowerCase(Locale.ROOT);

  /** The lower-case key used in JSON and on the command line. */
  public String key() {
    return key;
  }

  public static Phase parse(String s, String field) {
    return Keyed.parse(List.of(values()), s, field, "phase");
  }
}
