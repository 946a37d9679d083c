package dev.hwplan.bench;

import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times an operation in this JVM, without JMH: prepare its inputs once, warm it up, size a batch so
 * one sample lasts about {@link BenchSettings#sampleNanos()}, then take samples of seconds per
 * call. Each call returns a number that is folded into a sink, so the JIT cannot drop the work. The
 * value is the median sample, in seconds, smaller is better.
 */
public final class TimedMeasure implements Measure {
  /** One call of the operation; the result keeps the JIT from removing it. */
  @FunctionalInterface
  public interface Op {
    double call();
  }

  private static volatile double sink;

  private final Supplier<Op> prepare;

  private TimedMeasure(Supplier<Op> prepare) {
    this.prepare = prepare;
  }

  /** {@code prepare} builds the inputs (untimed) and returns the operation to time. */
  public static TimedMeasure of(Supplier<Op> prepare) {
    return new TimedMeasure(prepare);
  }

  @Override
  public BenchmarkResult run(String name, BenchSettings s) {
    Op op = prepare.get();
    double acc = 0;
    long start = System.nanoTime();
    long calls = 0;
    long elapsed;
    do {
      acc += op.call();
      calls++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < s.warmupNanos() || calls < BenchSettings.MIN_WARMUP_CALLS);
    double perCall = (double) elapsed / calls;
    long batch = Math.max(1, Math.round(s.sampleNanos() / Math.max(perCall, 1)));
    List<Double> samples = new ArrayList<>(s.samples());
    for (int i = 0; i < s.samples(); i++) {
      long t0 = System.nanoTime();
      for (long b = 0; b < batch; b++) {
        acc += op.call();
      }
      long t1 = System.nanoTime();
      samples.add((t1 - t0) / 1e9 / batch);
    }
    sink += acc;
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new BenchmarkResult(name, "seconds", Direction.SMALLER_IS_BETTER, median, samples);
  }

  /** The sink, so that nothing the operations computed is dead (and for the curious). */
  static double sink() {
    return sink;
  }
}
