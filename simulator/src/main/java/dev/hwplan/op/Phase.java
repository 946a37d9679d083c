package dev.hwplan.op;

import dev.hwplan.io.Keyed;
import java.util.List;

/** Prefill processes the prompt; decode produces one token per sequence against the cache. */
public enum Phase implements Keyed.ByName {
  PREFILL,
  DECODE;

  public static Phase parse(String s, String field) {
    return Keyed.parse(List.of(values()), s, field, "phase");
  }
}
