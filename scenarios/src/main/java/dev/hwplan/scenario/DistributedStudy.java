package dev.hwplan.scenario;

import java.io.Serializable;

/**
 * A study whose points can be evaluated in another JVM (a Spark executor): the costly part of a
 * point, {@link #compute}, returns something serializable, and {@link #assemble} turns it into the
 * point's result where the report is built. Both engines, local and distributed, evaluate a point
 * this way, so they run the same code and build the same report.
 *
 * @param <R> the result of one point
 * @param <W> what {@link #compute} returns: serializable, and small next to the work it stands for
 */
public interface DistributedStudy<R, W extends Serializable> extends Study<R> {
  /**
   * The costly part of evaluating {@code point}: deterministic, and free of shared mutable state.
   */
  W compute(Point point, StudyContext context);

  /** The point's result from what {@link #compute} returned for it (cheap). */
  R assemble(Point point, W computed, StudyContext context);

  @Override
  default R evaluate(Point point, StudyContext context) {
    return assemble(point, compute(point, context), context);
  }
}
