package dev.hwplan.posttrain;

import dev.hwplan.io.Keyed;

/** The part a model copy plays in a post-training method. */
public enum Role implements Keyed.ByName {
  POLICY,
  REFERENCE,
  REWARD,
  CRITIC;
}
