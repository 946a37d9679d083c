import dev.hwplan.kernels.*;
import dev.hwplan.kernels.provider.KernelProviders;
import java.util.*;

/** One JVM, every case warmed and timed round-robin (so fp32 and bf16 share each JIT profile). */
public class KernelAB {
  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[0]);
    Map<String, Runnable> cases = new LinkedHashMap<>();
    for (String prov : List.of("scalar", "vector")) {
      System.setProperty("hwplan.kernels.provider", prov);
      KernelProvider p = (KernelProvider) Class.forName(prov.equals("vector") ? "dev.hwplan.kernels.vector.VectorKernelProvider" : "dev.hwplan.kernels.scalar.ScalarKernelProvider").getConstructor().newInstance();
      KernelCases kc = new KernelCases(p);
      for (String dt : List.of("fp32", "bf16")) {
        AttentionShape s = new AttentionShape(1, 32, 8, 128, 2048);
        cases.put(prov + " decode-blocked " + dt, kc.decodeAttention(s, dt, KeyLayout.BLOCKED).call());
        cases.put(prov + " decode-tokenmajor " + dt, kc.decodeAttention(s, dt, KeyLayout.TOKEN_MAJOR).call());
        cases.put(prov + " mla " + dt, kc.mlaDecodeAttention(MlaShape.deepSeekV3(1, 16, 1024), dt).call());
        cases.put(prov + " gemv " + dt, kc.gemv(2048, 2048, dt).call());
        cases.put(prov + " gemm " + dt, kc.gemm(256, 256, 256, dt).call());
      }
      cases.put(prov + " rmsnorm fp32", kc.rmsNorm(64, 4096).call());
    }
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
