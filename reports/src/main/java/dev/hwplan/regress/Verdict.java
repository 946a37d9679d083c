package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.hwplan.io.Keyed;

/**
 * What the comparison concluded for one metric. Its {@link #key()}, as the JSON report spells it,
 * is the constant's name in lower case, '_' as '-' ({@code insufficient-history}).
 */
public enum Verdict implements Keyed.ByName {
  /** Worse than the baseline median by more than the threshold, and significantly so. */
  REGRESSED,
  /** Better than the baseline median by more than the threshold, and significantly so. */
  IMPROVED,
  /** Within the threshold, or not significant. */
  UNCHANGED,
  /** No earlier run has this metric. */
  NEW,
  /** Some earlier runs have it, fewer than the settings' minimum. */
  INSUFFICIENT_HISTORY;

  @JsonValue
  @Override
  public String key() {
    return Keyed.ByName.super.key();
  }
}
