package dev.hwplan.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * Times a kernel properly: warm-up until the JIT has settled, then several samples, each timing
 * enough calls to last at least {@code minSampleSeconds} so that the clock's resolution and one-off
 * noise are small against it.
 *
 * <p>Warm-up runs in rounds, and ends once it has lasted {@code warmupSeconds}, at least three
 * rounds, and a round was no more than 5% faster than the one before (or after {@code
 * maxWarmupSeconds}). A fixed warm-up is not enough for Vector API code: until C2 compiles it, each
 * vector operation runs as a Java loop over lanes, a hundred times slower.
 */
public final class KernelRunner {
  /** How long to warm up (at least, at most), how many samples, and how long a sample lasts. */
  public record Settings(
      double warmupSeconds, double maxWarmupSeconds, int samples, double minSampleSeconds) {
    /** Enough for a median and a spread worth reporting. */
    public static final Settings DEFAULT = new Settings(0.3, 3.0, 7, 0.05);

    /** For a quick look. */
    public static final Settings QUICK = new Settings(0.3, 1.5, 5, 0.025);

    public Settings {
      if (!(warmupSeconds >= 0)
          || !(maxWarmupSeconds >= warmupSeconds)
          || samples < 1
          || !(minSampleSeconds > 0)) {
        throw new IllegalArgumentException("bad timing settings " + this);
      }
    }
  }

  private KernelRunner() {}

  /** Times {@code kernel}; every call must do the same work. */
  public static Timing time(Runnable kernel, Settings settings) {
    long start = System.nanoTime();
    long roundNanos = (long) (Math.max(0.01, settings.minSampleSeconds() / 2) * 1e9);
    long minWarmup = (long) (settings.warmupSeconds() * 1e9);
    long maxWarmup = (long) (settings.maxWarmupSeconds() * 1e9);
    int warmup = 0;
    int rounds = 0;
    double previous = Double.NaN;
    double perCall;
    while (true) {
      long r0 = System.nanoTime();
      long now;
      int n = 0;
      do {
        kernel.run();
        n++;
        now = System.nanoTime();
      } while (now - r0 < roundNanos);
      warmup += n;
      perCall = (now - r0) * 1e-9 / n;
      long elapsed = now - start;
      rounds++;
      boolean settled = !Double.isNaN(previous) && perCall >= 0.95 * previous;
      if ((elapsed >= minWarmup && settled && rounds >= 3 && warmup >= 2) || elapsed >= maxWarmup) {
        break;
      }
      previous = perCall;
    }
    int calls =
        (int) Math.max(1, Math.min(1_000_000, Math.ceil(settings.minSampleSeconds() / perCall)));
    List<Double> samples = new ArrayList<>(settings.samples());
    for (int s = 0; s < settings.samples(); s++) {
      long t0 = System.nanoTime();
      for (int c = 0; c < calls; c++) {
        kernel.run();
      }
      samples.add((System.nanoTime() - t0) * 1e-9 / calls);
    }
    return new Timing(samples, warmup, calls);
  }
}
