package dev.hwplan.sweep;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The default executor: the tasks on this machine's cores (a parallel stream over the indices, in
 * the common fork-join pool), or one after another. It runs any {@link IndexedTasks}, not only
 * those that can travel.
 */
public final class LocalSweepExecutor implements SweepExecutor {
  /** The engine's name. */
  public static final String NAME = "local";

  private static final LocalSweepExecutor PARALLEL = new LocalSweepExecutor(true);
  private static final LocalSweepExecutor SEQUENTIAL = new LocalSweepExecutor(false);

  private final boolean parallel;

  private LocalSweepExecutor(boolean parallel) {
    this.parallel = parallel;
  }

  /** On every core (what a scenario run uses). */
  public static LocalSweepExecutor parallel() {
    return PARALLEL;
  }

  /** One task after another, in index order, on the calling thread (benchmarks per task). */
  public static LocalSweepExecutor sequential() {
    return SEQUENTIAL;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public <R extends Serializable> List<R> execute(SweepTasks<R> tasks, Progress progress) {
    return run(tasks, progress);
  }

  /**
   * Runs every task and returns the results in index order.
   *
   * @throws dev.hwplan.io.InvalidInputException the bad input of the lowest index, when any task
   *     found one
   */
  public <R> List<R> run(IndexedTasks<R> tasks, Progress progress) {
    int n = tasks.size();
    @SuppressWarnings("unchecked")
    TaskOutcome<R>[] out = new TaskOutcome[n];
    AtomicInteger done = new AtomicInteger();
    // Once a task found bad input, the tasks after it are skipped: only one below it can change
    // which is reported (the lowest index), so the message is the same as when all had run.
    AtomicInteger firstBad = new AtomicInteger(Integer.MAX_VALUE);
    IntStream indices = IntStream.range(0, n);
    (parallel ? indices.parallel() : indices)
        .forEach(
            i -> {
              if (i > firstBad.get()) {
                out[i] = new TaskOutcome<>(i, null, null);
              } else {
                out[i] = TaskOutcome.run(tasks, i);
                if (out[i].badInput() != null) {
                  firstBad.accumulateAndGet(i, Math::min);
                }
              }
              progress.update(done.incrementAndGet(), n);
            });
    return TaskOutcome.values(Arrays.asList(out));
  }
}
