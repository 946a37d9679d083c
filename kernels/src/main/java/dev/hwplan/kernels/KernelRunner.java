package dev.hwplan.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * Times a kernel properly: warm-up calls until the JIT has settled (a fixed time, at least two
 * calls), then several samples, each timing enough calls to last at least {@code minSampleSeconds}
 * so that the clock's resolution and one-off noise are small against it.
 */
public final class KernelRunner {
  /** How long to warm up, how many samples, and how long a sample lasts at least. */
  public record Settings(double warmupSeconds, int samples, double minSampleSeconds) {
    /** Enough for a median and a spread worth reporting. */
    public static final Settings DEFAULT = new Settings(0.3, 7, 0.05);

    /** For a quick look. */
    public static final Settings QUICK = new Settings(0.15, 5, 0.02);

    public Settings {
      if (!(warmupSeconds >= 0) || samples < 1 || !(minSampleSeconds > 0)) {
        throw new IllegalArgumentException("bad timing settings " + this);
      }
    }
  }

  private KernelRunner() {}

  /** Times {@code kernel}; every call must do the same work. */
  public static Timing time(Runnable kernel, Settings settings) {
    int warmup = 0;
    long start = System.nanoTime();
    long last = start;
    long warmupNanos = (long) (settings.warmupSeconds() * 1e9);
    double perCall = 0;
    while (warmup < 2 || last - start < warmupNanos) {
      long t0 = System.nanoTime();
      kernel.run();
      last = System.nanoTime();
      perCall = (last - t0) * 1e-9;
      warmup++;
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
