package dev.hwplan.training;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;

/**
 * Activation recomputation (Korthikanti et al. 2022, sections 4.3 and 5): none; selective (the core
 * attention's {@code s x s} softmax and dropout are dropped and recomputed; with FlashAttention
 * there is nothing left to drop, so it equals none); full (only each layer's input is kept, and the
 * layer's forward runs again in the backward).
 */
public enum Recompute {
  NONE,
  SELECTIVE,
  FULL;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Recompute parse(String s, String flag) {
    if (s != null) {
      for (Recompute r : values()) {
        if (r.key().equalsIgnoreCase(s.trim())) {
          return r;
        }
      }
    }
    throw InvalidInputException.option(
        flag, "unknown recompute '" + s + "' (known: none, selective, full)");
  }
}
