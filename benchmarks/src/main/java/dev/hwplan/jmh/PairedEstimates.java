package dev.hwplan.jmh;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link InferenceEstimateBenchmark} of several builds side by side in one JVM, by the CPU time of
 * the measuring thread: each jar is loaded in a class loader of its own (its memos and calibration
 * are its own), and each round times every jar for the same slice, back to back; each ratio is
 * formed within its round and the median over the rounds is reported with its range. On a machine
 * whose load is several times its cores, JMH's wall-clock times measure the scheduler as much as
 * the code; thread CPU time and in-round pairing do not (the paired design of {@link
 * PairedRatios}).
 *
 * <p>usage: {@code java -cp benchmarks.jar dev.hwplan.jmh.PairedEstimates CONFIG WORKLOAD ROUNDS
 * SLICE_MS JAR...}, the first jar the reference; prints one line per jar: median CPU us per
 * estimate, B per estimate, median ratio to the first jar and its range.
 */
public final class PairedEstimates {
  private PairedEstimates() {}

  /**
   * The thread CPU time each build runs before the rounds, at least ({@code -Dpaired.warmupMs},
   * 2,000 unless set).
   */
  private static final long WARMUP_CPU_MS = Long.getLong("paired.warmupMs", 2_000);

  /** One jar's estimate, bound to its benchmark instance. */
  private record Build(String name, MethodHandle estimate) {}

  public static void main(String[] args) throws Throwable {
    String config = args[0];
    String workload = args[1];
    int rounds = Integer.parseInt(args[2]);
    long sliceNanos = Long.parseLong(args[3]) * 1_000_000L;
    List<Build> builds = new ArrayList<>();
    for (String jar : Arrays.copyOfRange(args, 4, args.length)) {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {new File(jar).toURI().toURL()}, ClassLoader.getPlatformClassLoader());
      Class<?> c;
      try {
        c = loader.loadClass("dev.hwplan.jmh.InferenceEstimateBenchmark");
      } catch (ClassNotFoundException e) {
        c = loader.loadClass("dev.hwplan.bench.InferenceEstimateBenchmark");
      }
      Object bench = c.getConstructor().newInstance();
      c.getField("config").set(bench, config);
      c.getField("workload").set(bench, workload);
      c.getMethod("setUp").invoke(bench);
      MethodHandle estimate =
          MethodHandles.publicLookup()
              .unreflect(c.getMethod("estimate"))
              .bindTo(bench)
              .asType(MethodType.methodType(Object.class));
      builds.add(new Build(new File(jar).getName(), estimate));
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    // Warm-up: every build for ten slices, and on until each has run WARMUP_CPU_MS of this
    // thread's CPU time (under load a slice of wall time is a fraction of that, and the compiler
    // threads wait too), so each is compiled before the first round.
    double[] warmCpu = new double[builds.size()];
    for (int i = 0; i < 10 || Arrays.stream(warmCpu).min().orElse(0) < WARMUP_CPU_MS * 1e3; i++) {
      for (int j = 0; j < builds.size(); j++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        slice(builds.get(j), sliceNanos, threads, id);
        warmCpu[j] += (threads.getCurrentThreadCpuTime() - cpu0) / 1e3;
      }
    }
    int n = builds.size();
    double[][] cpu = new double[n][rounds];
    double[][] bytes = new double[n][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < n; i++) {
        double[] s = slice(builds.get(i), sliceNanos, threads, id);
        cpu[i][r] = s[0];
        bytes[i][r] = s[1];
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s %s, %d rounds of %d ms a build, load %s%n",
        config,
        workload,
        rounds,
        sliceNanos / 1_000_000,
        PairedRatios.load());
    for (int i = 0; i < n; i++) {
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = cpu[i][r] / cpu[0][r];
      }
      System.out.printf(
          Locale.ROOT,
          "  %-24s %8.3f us/op cpu  %8.0f B/op  ratio %.2f [%.2f, %.2f]%n",
          builds.get(i).name(),
          median(cpu[i]),
          median(bytes[i]),
          median(ratio),
          Arrays.stream(ratio).min().orElse(0),
          Arrays.stream(ratio).max().orElse(0));
    }
  }

  /** CPU microseconds and bytes allocated per estimate over one slice of wall time. */
  private static double[] slice(
      Build b, long nanos, com.sun.management.ThreadMXBean threads, long id) throws Throwable {
    long calls = 0;
    long bytes0 = threads.getThreadAllocatedBytes(id);
    long cpu0 = threads.getCurrentThreadCpuTime();
    long end = System.nanoTime() + nanos;
    Object sink = null;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 64; i++) {
        sink = (Object) b.estimate().invokeExact();
      }
      calls += 64;
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long bytes = threads.getThreadAllocatedBytes(id) - bytes0;
    if (sink == null) {
      throw new IllegalStateException("no estimate");
    }
    return new double[] {cpu / 1e3 / calls, bytes / (double) calls};
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
