package dev.hwplan.kernels.probe;

import dev.hwplan.kernels.CacheInfo;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.KernelRunner;
import dev.hwplan.kernels.KernelThreads;
import dev.hwplan.kernels.Timing;

/**
 * STREAM-style bandwidth (McCalpin 1995) on all threads: read (a sum), copy and triad over fp32
 * arrays. Bytes are counted as STREAM does: read 4 per element, copy 8, triad 12; the
 * write-allocate traffic of copy and triad is not counted.
 */
public final class BandwidthProbe {
  private final KernelProvider p;
  private final int elements;
  private final float[] a;
  private final float[] b;
  private final float[] c;
  private final int tasks;

  /**
   * @param elements fp32 elements per array: at least 4 × the LLC for memory (STREAM's rule), or a
   *     fraction of it to measure the cache
   */
  public BandwidthProbe(KernelProvider p, int elements) {
    if (elements < 1024) {
      throw new IllegalArgumentException("need at least 1024 elements, got " + elements);
    }
    this.p = p;
    this.elements = elements;
    this.a = new float[elements];
    this.b = new float[elements];
    this.c = new float[elements];
    for (int i = 0; i < elements; i++) {
      a[i] = 1f;
      b[i] = 2f;
      c[i] = 0.5f;
    }
    // Contiguous slices of at least 256 KiB, a few per thread so a slow one is balanced.
    this.tasks = Math.max(1, Math.min(4 * KernelThreads.threads(), elements / (64 << 10)));
  }

  /** Arrays of 4 × the LLC each, as STREAM asks (at least 16 MiB, at most 1 GiB). */
  public static int memoryElements() {
    long bytes = Math.min(1L << 30, Math.max(16L << 20, 4 * CacheInfo.lastLevelCacheBytes()));
    return (int) (bytes / 4);
  }

  /** One array of a quarter of the LLC: a read of it hits the LLC, or L2 where that is larger. */
  public static int cacheElements() {
    return (int) Math.max(1024, CacheInfo.lastLevelCacheBytes() / 4 / 4);
  }

  public int elements() {
    return elements;
  }

  /** Bytes one call of the named kernel moves. */
  public double bytes(String kernel) {
    return switch (kernel) {
      case "read" -> 4.0 * elements;
      case "copy" -> 8.0 * elements;
      case "triad" -> 12.0 * elements;
      default -> throw new IllegalArgumentException("unknown kernel " + kernel);
    };
  }

  private volatile double sink;

  /** Elements per call of the provider's loop: see {@link #runOnce}. */
  private static final int SLICE = 1 << 16;

  /**
   * Runs one call of {@code read}, {@code copy} or {@code triad} over all threads. Each thread's
   * range is streamed in slices of 64 Ki elements, one provider call each, so that the loops are
   * hot methods that C2 compiles normally: a loop entered a few times with a huge trip count is
   * compiled on-stack (OSR), and OSR code for the Vector API can be several times slower.
   */
  public void runOnce(String kernel) {
    switch (kernel) {
      case "read" -> {
        double[] partial = new double[tasks];
        slices((t, from, to) -> partial[t] += p.sum(a, from, to));
        double s = 0;
        for (double v : partial) {
          s += v;
        }
        sink = s;
      }
      case "copy" -> slices((t, from, to) -> p.copy(a, c, from, to));
      case "triad" -> slices((t, from, to) -> p.triad(a, b, c, 0.5f, from, to));
      default -> throw new IllegalArgumentException("unknown kernel " + kernel);
    }
  }

  /** One slice of thread {@code task}'s range: elements [from, to). */
  private interface Slice {
    void run(int task, int from, int to);
  }

  /** Splits the elements into one range per task, and each range into slices of {@link #SLICE}. */
  private void slices(Slice slice) {
    int per = (elements + tasks - 1) / tasks;
    KernelThreads.parallelFor(
        tasks,
        t -> {
          int end = Math.min(elements, (t + 1) * per);
          for (int from = t * per; from < end; from += SLICE) {
            slice.run(t, from, Math.min(end, from + SLICE));
          }
        });
  }

  /** Times one kernel and returns its result. */
  public ProbeResult measure(String kernel, KernelRunner.Settings settings) {
    Timing t = KernelRunner.time(() -> runOnce(kernel), settings);
    return new ProbeResult(kernel, "bytes", bytes(kernel), (long) elements * 4, t);
  }

  /** The last read's sum, so that the JIT cannot drop the reads. */
  public double sink() {
    return sink;
  }
}
