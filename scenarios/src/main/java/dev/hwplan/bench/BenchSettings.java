package dev.hwplan.bench;

/**
 * How long to time each benchmark.
 *
 * @param warmupNanos run the operation at least this long (and at least {@link #MIN_WARMUP_CALLS}
 *     times) before timing, so that the JIT has compiled it
 * @param sampleNanos each sample times a batch of calls lasting about this long, so that timer
 *     resolution does not matter for microsecond operations
 * @param samples how many samples; the recorded value is their median
 */
public record BenchSettings(long warmupNanos, long sampleNanos, int samples) {
  public static final int MIN_WARMUP_CALLS = 3;

  /** About 2 s per benchmark. */
  public static final BenchSettings FULL = new BenchSettings(1_000_000_000L, 50_000_000L, 15);

  /** About 0.4 s per benchmark: enough for CI's trend, noisier. */
  public static final BenchSettings QUICK = new BenchSettings(300_000_000L, 10_000_000L, 7);

  public BenchSettings {
    if (warmupNanos < 0 || sampleNanos <= 0 || samples < 1) {
      throw new IllegalArgumentException("need warm-up >= 0, sample time > 0, samples >= 1");
    }
  }
}
