package dev.hwplan.perf.cpu;

import dev.hwplan.hardware.calibration.Calibration;

/**
 * The calibrated roofline of a CPU (Williams, Waterman and Patterson, CACM 2009), with a per-call
 * overhead: t = overhead + max(flops / compute ceiling, bytes / bandwidth). The bandwidth is the
 * measured DRAM read bandwidth, or the measured LLC read bandwidth when the working set fits in
 * half the LLC (so that it stays there between calls); the compute ceiling is the achieved rate of
 * the kernel's class (register-blocked matrix, or dot/axpy vector code), never above the FMA peak.
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
    double bandwidth = inCache ? c.llcReadBytesPerSecond() : c.readBytesPerSecond();
    double rate =
        Math.min(
            c.fmaFlopsPerSecond(),
            "matrix".equals(w.computeClass())
                ? c.matrixFlopsPerSecond()
                : c.vectorFlopsPerSecond());
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
