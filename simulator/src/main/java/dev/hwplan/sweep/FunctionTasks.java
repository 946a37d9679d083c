package dev.hwplan.sweep;

import java.util.function.IntFunction;

/** {@link IndexedTasks#of}: {@code size} tasks, each computed by {@code task} from its index. */
record FunctionTasks<R>(int size, IntFunction<R> task) implements IndexedTasks<R> {
  @Override
  public R run(int index) {
    return task.apply(index);
  }
}
