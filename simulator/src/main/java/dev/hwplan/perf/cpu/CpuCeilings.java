package dev.hwplan.perf.cpu;

import dev.hwplan.hardware.calibration.Calibration;
import dev.hwplan.io.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured ceilings of one CPU that the calibrated roofline uses, as {@code hwplan measure cpu}
 * records them in a {@link Calibration}'s {@code ceilings}.
 *
 * @param readBytesPerSecond STREAM-style read bandwidth from DRAM, all threads
 * @param kernelReadBytesPerSecond the DRAM bandwidth a streaming kernel achieves (GEMV beyond the
 *     LLC): the read probe's rate times the efficiency of real kernel code
 * @param llcReadBytesPerSecond read bandwidth of an array a quarter of the LLC
 * @param llcBytes the last-level cache size the LLC ceiling applies to
 * @param fmaFlopsPerSecond the FMA loop's FP32 FLOP/s, all threads
 * @param matrixFlopsPerSecond achieved by the blocked GEMM at the calibration shape
 * @param attentionFlopsPerSecond achieved by decode attention with blocked keys at its in-cache
 *     calibration shape
 * @param tokenMajorAttentionFlopsPerSecond the same with token-major keys
 * @param mlaFlopsPerSecond achieved by absorbed MLA decode at its in-cache calibration shape
 * @param callOverheadSeconds the time of a call that does almost nothing: dispatch, threads, JIT
 *     glue
 */
public record CpuCeilings(
    double readBytesPerSecond,
    double kernelReadBytesPerSecond,
    double llcReadBytesPerSecond,
    double llcBytes,
    double fmaFlopsPerSecond,
    double matrixFlopsPerSecond,
    double attentionFlopsPerSecond,
    double tokenMajorAttentionFlopsPerSecond,
    double mlaFlopsPerSecond,
    double callOverheadSeconds) {

  /** The ceiling names, as keys of {@link Calibration#ceilings()}. */
  public static final String READ = "readBytesPerSecond";

  public static final String KERNEL_READ = "kernelReadBytesPerSecond";
  public static final String LLC_READ = "llcReadBytesPerSecond";
  public static final String LLC_BYTES = "llcBytes";
  public static final String FMA = "fmaFlopsPerSecond";
  public static final String MATRIX = "matrixFlopsPerSecond";
  public static final String ATTENTION = "attentionFlopsPerSecond";
  public static final String TOKEN_MAJOR_ATTENTION = "tokenMajorAttentionFlopsPerSecond";
  public static final String MLA = "mlaFlopsPerSecond";
  public static final String OVERHEAD = "callOverheadSeconds";

  public CpuCeilings {
    positive(readBytesPerSecond, READ);
    positive(kernelReadBytesPerSecond, KERNEL_READ);
    positive(llcReadBytesPerSecond, LLC_READ);
    positive(llcBytes, LLC_BYTES);
    positive(fmaFlopsPerSecond, FMA);
    positive(matrixFlopsPerSecond, MATRIX);
    positive(attentionFlopsPerSecond, ATTENTION);
    positive(tokenMajorAttentionFlopsPerSecond, TOKEN_MAJOR_ATTENTION);
    positive(mlaFlopsPerSecond, MLA);
    if (!(callOverheadSeconds >= 0) || Double.isInfinite(callOverheadSeconds)) {
      throw new InvalidInputException("", OVERHEAD, "must be zero or more");
    }
  }

  /** Reads the ceilings from a CPU calibration; a missing one names the file's field. */
  public static CpuCeilings from(Calibration c) {
    Map<String, Double> m = c.ceilings();
    return new CpuCeilings(
        get(m, READ),
        get(m, KERNEL_READ),
        get(m, LLC_READ),
        get(m, LLC_BYTES),
        get(m, FMA),
        get(m, MATRIX),
        get(m, ATTENTION),
        get(m, TOKEN_MAJOR_ATTENTION),
        get(m, MLA),
        get(m, OVERHEAD));
  }

  /** The ceilings by name, for a calibration. */
  public Map<String, Double> toMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(READ, readBytesPerSecond);
    m.put(KERNEL_READ, kernelReadBytesPerSecond);
    m.put(LLC_READ, llcReadBytesPerSecond);
    m.put(LLC_BYTES, llcBytes);
    m.put(FMA, fmaFlopsPerSecond);
    m.put(MATRIX, matrixFlopsPerSecond);
    m.put(ATTENTION, attentionFlopsPerSecond);
    m.put(TOKEN_MAJOR_ATTENTION, tokenMajorAttentionFlopsPerSecond);
    m.put(MLA, mlaFlopsPerSecond);
    m.put(OVERHEAD, callOverheadSeconds);
    return m;
  }

  private static double get(Map<String, Double> m, String key) {
    Double v = m.get(key);
    if (v == null) {
      throw new InvalidInputException("", "ceilings." + key, "missing required field");
    }
    return v;
  }

  private static void positive(double v, String field) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new InvalidInputException("", field, "must be a positive number, got " + v);
    }
  }
}
