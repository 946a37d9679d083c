import dev.hwplan.kernels.*;
import java.util.*;

/**
 * One JVM, every case warmed and timed round-robin (so fp32 and bf16 share each JIT profile). The
 * cases are ../Cases.java's, the ones PairedAB times: compile both, {@code javac -cp $jar -d .
 * ../Cases.java KernelAB.java}.
 */
public class KernelAB {
  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[0]);
    Map<String, Runnable> cases = Cases.cases();
    KernelRunner.Settings warm = new KernelRunner.Settings(0.3, 1.0, 1, 0.02);
    for (Runnable r : cases.values()) KernelRunner.time(r, warm);
    for (Runnable r : cases.values()) KernelRunner.time(r, warm);
    Map<String, List<Double>> t = new LinkedHashMap<>();
    KernelRunner.Settings one = new KernelRunner.Settings(0.0, 0.2, 3, 0.03);
    for (int i = 0; i < rounds; i++) {
      for (var e : cases.entrySet()) {
        t.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(KernelRunner.time(e.getValue(), one).medianSeconds());
      }
    }
    for (var e : t.entrySet()) {
      List<Double> v = new ArrayList<>(e.getValue()); Collections.sort(v);
      System.out.printf(Locale.ROOT, "%s\t%.6e%n", e.getKey(), v.get(v.size() / 2));
    }
  }
}
