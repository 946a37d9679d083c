package dev.hwplan.sweep;

import java.io.Serializable;
import java.util.Map;

/**
 * Tasks that can travel to another JVM: the object is a small serializable recipe (a scenario's
 * text and a study's position in it; a command line), from which each JVM rebuilds what it needs on
 * the first {@link #run} there, and each result is serializable.
 *
 * @param <R> the result of one task
 */
public interface SweepTasks<R extends Serializable> extends IndexedTasks<R>, Serializable {
  /** A short description, for an engine's job list and for messages. */
  default String label() {
    return getClass().getSimpleName() + " (" + size() + " tasks)";
  }

  /**
   * What task {@code index} was given, field by field (a study's point: its swept and default
   * fields), for a table of the results next to their inputs; empty by default.
   */
  default Map<String, Object> inputs(int index) {
    return Map.of();
  }
}
