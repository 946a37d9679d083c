package dev.hwplan.serving;

import dev.hwplan.io.Keyed;
import java.util.List;

/** How a request is sent to one of the replicas. */
public enum Routing implements Keyed.ByName {
  /** Each replica in turn. */
  ROUND_ROBIN,
  /** The replica with the fewest requests in flight (lowest index on a tie). */
  LEAST_OUTSTANDING,
  /**
   * The replica that last served the request's conversation, else its shared prefix, so that its
   * cached blocks are found (least-outstanding for content seen first and for requests that share
   * nothing); unless the replicas are out of balance, as SGLang's router ({@code sgl-router} {@code
   * cache_aware} policy) judges it with its defaults: the busiest replica has more than {@link
   * #BALANCE_ABS_THRESHOLD} requests more than the idlest and more than {@link
   * #BALANCE_REL_THRESHOLD} times as many, and then the least-outstanding replica takes it.
   */
  PREFIX_AFFINITY;

  /** SGLang router's {@code --balance-abs-threshold} default. */
  public static final int BALANCE_ABS_THRESHOLD = 64;

  /** SGLang router's {@code --balance-rel-threshold} default. */
  public static final double BALANCE_REL_THRESHOLD = 1.5;

  public static Routing parse(String s, String flag) {
    return Keyed.parse(List.of(values()), s, flag, "routing");
  }
}
