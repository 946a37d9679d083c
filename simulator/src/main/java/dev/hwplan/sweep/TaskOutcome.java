package dev.hwplan.sweep;

import dev.hwplan.io.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one task gave: its result, or the bad input it found. Bad input travels back as data, not as
 * a task failure, so that an engine that retries failed tasks does not retry it, and a sweep with
 * several bad points reports the first of them by index, whichever finished first.
 *
 * @param <R> the result of the task
 * @param index the task's index
 * @param value the result; null when {@code badInput} is set
 * @param badInput the bad input the task found, or null
 */
public record TaskOutcome<R>(int index, R value, InvalidInputException badInput)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Runs task {@code index} of {@code tasks}; bad input becomes the outcome, other throws pass. */
  public static <R> TaskOutcome<R> run(IndexedTasks<R> tasks, int index) {
    try {
      return new TaskOutcome<>(index, tasks.run(index), null);
    } catch (InvalidInputException e) {
      return new TaskOutcome<>(index, null, e);
    }
  }

  /**
   * The values of {@code outcomes} (one per task, in index order).
   *
   * @throws InvalidInputException the bad input of the lowest index, when any task found one
   */
  public static <R> List<R> values(List<TaskOutcome<R>> outcomes) {
    List<R> out = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      TaskOutcome<R> o = outcomes.get(i);
      if (o.index() != i) {
        throw new IllegalStateException("outcome " + o.index() + " came back at position " + i);
      }
      if (o.badInput() != null) {
        throw o.badInput();
      }
      out.add(o.value());
    }
    return out;
  }
}
