import dev.hwplan.kernels.*;
import java.util.*;

/** The kernel cases, built against whichever kernels jar this class's loader sees. */
public class Cases {
  public static Map<String, Runnable> cases() throws Exception {
    Map<String, Runnable> cases = new LinkedHashMap<>();
    for (String prov : List.of("scalar", "vector")) {
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
    return cases;
  }
}
