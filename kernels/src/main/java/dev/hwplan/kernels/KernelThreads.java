package dev.hwplan.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The kernels' worker threads: one bounded pool of daemon threads, sized to the available
 * processors (or {@code -Dhwplan.kernels.threads=N}), shared by every kernel. The calling thread
 * works too, so the pool holds one thread fewer than the parallelism.
 */
public final class KernelThreads {
  /** System property that sets the number of threads the kernels use. */
  public static final String PROPERTY = "hwplan.kernels.threads";

  private static final int THREADS = configured();
  private static final ExecutorService POOL =
      THREADS > 1
          ? Executors.newFixedThreadPool(
              THREADS - 1,
              r -> {
                Thread t = new Thread(r, "hwplan-kernel-worker");
                t.setDaemon(true);
                return t;
              })
          : null;
  private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

  private KernelThreads() {}

  /** The parallelism the kernels use. */
  public static int threads() {
    return THREADS;
  }

  /**
   * Runs {@code body.accept(i)} for every i in [0, tasks), spread over the pool and the calling
   * thread, and returns when all have finished. Tasks are claimed one at a time, so uneven tasks
   * balance. A call from inside a task runs inline, so nesting cannot deadlock.
   */
  public static void parallelFor(int tasks, IntConsumer body) {
    if (tasks <= 0) {
      return;
    }
    if (tasks == 1 || POOL == null || IN_WORKER.get()) {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(tasks);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable drain =
        () -> {
          boolean outer = IN_WORKER.get();
          IN_WORKER.set(true);
          try {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
              try {
                if (failure.get() == null) {
                  body.accept(i);
                }
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              } finally {
                finished.countDown();
              }
            }
          } finally {
            IN_WORKER.set(outer);
          }
        };
    int helpers = Math.min(THREADS - 1, tasks - 1);
    for (int h = 0; h < helpers; h++) {
      POOL.execute(drain);
    }
    drain.run();
    boolean interrupted = false;
    while (true) {
      try {
        finished.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private static int configured() {
    int cpus = Runtime.getRuntime().availableProcessors();
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return cpus;
    }
    try {
      int n = Integer.parseInt(v.trim());
      return Math.max(1, Math.min(n, 4 * cpus));
    } catch (NumberFormatException e) {
      System.err.println(
          "hwplan: ignoring -D" + PROPERTY + "=" + v + " (not a number); using " + cpus);
      return cpus;
    }
  }
}
