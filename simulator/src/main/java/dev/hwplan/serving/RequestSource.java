package dev.hwplan.serving;

/** Where a run's requests come from, one at a time, in arrival order. */
abstract class RequestSource {
  /** The next arrival time known now, or +infinity (none left, or none until a completion). */
  abstract double peek();

  /** Takes the next arrival into a slot of {@code t}. */
  abstract int take(RequestTable t);

  /**
   * Request {@code slot} of {@code t} completed at {@code now} (its closed-loop user may send the
   * next, its conversation may go on).
   */
  void completed(RequestTable t, int slot, double now) {}

  /** Requests taken so far. */
  abstract long issued();
}
