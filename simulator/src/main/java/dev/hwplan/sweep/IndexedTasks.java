package dev.hwplan.sweep;

import java.util.function.IntFunction;

/**
 * A fixed number of independent tasks, named by their index from 0: a scenario study's points, or
 * the layouts of a capacity search. {@link #run} depends only on the tasks' definition and the
 * index (any randomness is seeded from them), so the tasks can run in any order, on any thread or
 * machine, any number of times, with the same results.
 *
 * @param <R> the result of one task
 */
public interface IndexedTasks<R> {
  /** How many tasks there are. */
  int size();

  /**
   * Runs task {@code index}. Bad input is thrown as {@link dev.hwplan.io.InvalidInputException} (it
   * is the same every time, so no executor retries it); anything else thrown is a failure that an
   * executor may retry.
   */
  R run(int index);

  /** {@code size} tasks, task {@code index} computed by {@code run}. */
  static <R> IndexedTasks<R> of(int size, IntFunction<R> run) {
    return new FunctionTasks<>(size, run);
  }
}
