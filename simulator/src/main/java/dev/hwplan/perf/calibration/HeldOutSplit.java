package dev.hwplan.perf.calibration;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A deterministic held-out split by shape: the distinct shape keys are ordered by a seeded
 * SplitMix64 hash of the key (ties by the key) and the first {@code ceil(n / 3)} are held out, so
 * at least a third of the shapes is never fitted, whatever rows the files hold. A shape measured on
 * several GPUs (or twice under two layer names) lands on the same side everywhere.
 */
public final class HeldOutSplit {
  /** The seed of the committed accuracy table. */
  public static final long SEED = 0x68776c616eL; // "hwplan"

  private final Set<String> heldOut;

  private HeldOutSplit(Set<String> heldOut) {
    this.heldOut = heldOut;
  }

  /** Holds out a third of each family's keys: split every collection on its own. */
  public static HeldOutSplit of(long seed, Collection<? extends Collection<String>> families) {
    Set<String> out = new HashSet<>();
    for (Collection<String> keys : families) {
      List<String> order =
          new TreeSet<>(keys)
              .stream()
                  .sorted(
                      Comparator.comparingLong((String k) -> mix(seed ^ k.hashCode()))
                          .thenComparing(Comparator.naturalOrder()))
                  .toList();
      int n = (order.size() + 2) / 3;
      out.addAll(order.subList(0, n));
    }
    return new HeldOutSplit(out);
  }

  public boolean isHeldOut(String key) {
    return heldOut.contains(key);
  }

  public boolean isTraining(String key) {
    return !heldOut.contains(key);
  }

  /** SplitMix64's finaliser (Steele, Lea and Flood 2014). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
