package dev.hwplan.regress;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the comparison concluded for one metric. */
public enum Verdict {
  /** Worse than the baseline median by more than the threshold, and significantly so. */
  REGRESSED("regressed"),
  /** Better than the baseline median by more than the threshold, and significantly so. */
  IMPROVED("improved"),
  /** Within the threshold, or not significant. */
  UNCHANGED("unchanged"),
  /** No earlier run has this metric. */
  NEW("new"),
  /** Some earlier runs have it, fewer than the settings' minimum. */
  INSUFFICIENT_HISTORY("insufficient-history");

  private final String key;

  Verdict(String key) {
    this.key = key;
  }

  @JsonValue
  public String key() {
    return key;
  }
}
