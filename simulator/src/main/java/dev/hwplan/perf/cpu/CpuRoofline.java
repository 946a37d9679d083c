package dev.hwplan.perf.cpu;

import dev.hwplan.hardware.calibration.Calibration;

/**
 * The calibrated roofline of a CPU (Williams, Waterman and Patterson, CACM 2009), with a per-call
 * overhead: t = overhead + max(flops / compute ceiling, bytes / bandwidth). The bandwidth is what a
 * streaming kernel achieves from DRAM (the read probe times the efficiency of a calibration GEMV),
 * or the LLC read bandwidth times the same efficiency when the working set fits in half the LLC (so
 * that it stays there between calls). The compute ceiling is the achieved rate of the kernel's
 * class, measured at a calibration shape: the blocked GEMM ({@code matrix}), decode attention with
 * blocked or token-major keys ({@code attention}, {@code attentionTokenMajor}), MLA ({@code mla});
 * other kernels ({@code vector}: GEMV, RMSNorm) are memory-bound and get the FMA peak. None is
 * above the FMA peak.
 */
public final class CpuRoofline {
  private final CpuCeilings c;

  public CpuRoofline(CpuCeilings ceilings) {
    this.c = ceilings;
  }

  public static CpuRoofline from(Calibration calibration) {
    return new CpuRoofline(CpuCeilings.from(calibration));
  }

  public CpuCeilings ceilings() {
    return c;
  }

  public CpuPrediction predict(CpuWork w) {
    boolean inCache = w.workingSetBytes() <= c.llcBytes() / 2;
    double efficiency = Math.min(1.0, c.kernelReadBytesPerSecond() / c.readBytesPerSecond());
    double bandwidth =
        inCache ? c.llcReadBytesPerSecond() * efficiency : c.kernelReadBytesPerSecond();
    double classRate =
        switch (w.computeClass()) {
          case "matrix" -> c.matrixFlopsPerSecond();
          case "attention" -> c.attentionFlopsPerSecond();
          case "attentionTokenMajor" -> c.tokenMajorAttentionFlopsPerSecond();
          case "mla" -> c.mlaFlopsPerSecond();
          default -> c.fmaFlopsPerSecond();
        };
    double rate = Math.min(c.fmaFlopsPerSecond(), classRate);
    double compute = w.flops() / rate;
    double memory = w.bytes() / bandwidth;
    double overhead = c.callOverheadSeconds();
    double seconds = overhead + Math.max(compute, memory);
    String bound =
        overhead >= Math.max(compute, memory)
            ? "overhead"
            : compute >= memory ? "compute" : "memory";
    return new CpuPrediction(
        seconds, bound, "calibrated", inCache ? "llc" : "dram", compute, memory, overhead);
  }
}
