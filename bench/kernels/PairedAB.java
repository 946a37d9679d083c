import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * Old and new kernels in one JVM, each jar in its own class loader (so each has its own classes and
 * JIT profiles, and both dtypes share every profile, as in hwplan's CPU mode); each round times
 * every case on old and new back to back, alternating which goes first, and the ratio new/old is
 * formed inside the round (the paired design of PairedRatios).
 */
public class PairedAB {
  @SuppressWarnings("unchecked")
  static Map<String, Runnable> load(String jar, String casesDir) throws Exception {
    URLClassLoader l = new URLClassLoader(new URL[] {Path.of(casesDir).toUri().toURL(), Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    return (Map<String, Runnable>) l.loadClass("Cases").getMethod("cases").invoke(null);
  }

  static double time(Runnable r, double seconds) {
    long t0 = System.nanoTime(); long end = t0 + (long) (seconds * 1e9); int n = 0; long now;
    do { r.run(); n++; now = System.nanoTime(); } while (now < end);
    return (now - t0) * 1e-9 / n;
  }

  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[0]);
    Map<String, Runnable> oldC = load(a[1], a[3]);
    Map<String, Runnable> newC = load(a[2], a[3]);
    for (int w = 0; w < 3; w++) {
      for (String k : oldC.keySet()) { time(oldC.get(k), 0.3); time(newC.get(k), 0.3); }
    }
    Map<String, List<Double>> ratio = new LinkedHashMap<>(), to = new LinkedHashMap<>(), tn = new LinkedHashMap<>();
    for (int i = 0; i < rounds; i++) {
      for (String k : oldC.keySet()) {
        double o, n;
        if (i % 2 == 0) { o = time(oldC.get(k), 0.05); n = time(newC.get(k), 0.05); n = Math.min(n, time(newC.get(k), 0.05)); o = Math.min(o, time(oldC.get(k), 0.05)); }
        else { n = time(newC.get(k), 0.05); o = time(oldC.get(k), 0.05); o = Math.min(o, time(oldC.get(k), 0.05)); n = Math.min(n, time(newC.get(k), 0.05)); }
        ratio.computeIfAbsent(k, x -> new ArrayList<>()).add(n / o);
        to.computeIfAbsent(k, x -> new ArrayList<>()).add(o);
        tn.computeIfAbsent(k, x -> new ArrayList<>()).add(n);
      }
    }
    System.out.println("| case | old median s | new median s | new/old, median of paired rounds | range |");
    System.out.println("|---|---|---|---|---|");
    for (String k : ratio.keySet()) {
      List<Double> r = new ArrayList<>(ratio.get(k)); Collections.sort(r);
      List<Double> o = new ArrayList<>(to.get(k)); Collections.sort(o);
      List<Double> n = new ArrayList<>(tn.get(k)); Collections.sort(n);
      System.out.printf(Locale.ROOT, "| %s | %.3e | %.3e | %.2f | %.2f-%.2f |%n", k, o.get(o.size() / 2), n.get(n.size() / 2), r.get(r.size() / 2), r.get(0), r.get(r.size() - 1));
    }
  }
}
