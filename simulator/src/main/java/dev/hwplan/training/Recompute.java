package dev.hwplan.training;

import dev.hwplan.io.Keyed;
import java.util.List;

/**
 * Activation recomputation (Korthikanti et al. 2022, sections 4.3 and 5): none; selective (the core
 * attention's {@code s x s} softmax and dropout are dropped and recomputed; with FlashAttention
 * there is nothing left to drop, so it equals none); full (only each layer's input is kept, and the
 * layer's forward runs again in the backward).
 */
public enum Recompute implements Keyed.ByName {
  NONE,
  SELECTIVE,
  FULL;

  public static Recompute parse(String s, String flag) {
    return Keyed.parse(List.of(values()), s, flag, "recompute");
  }
}
