package dev.hwplan.perf.cpu;

import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.Timing;
import dev.hwplan.kernels.probe.ProbeResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the measured mode found: the probes, the ceilings, measured-vs-predicted per shape, and MLA
 * against GQA at equal KV-cache memory.
 */
public record CpuMeasurementResult(
    Map<String, Object> machine,
    String date,
    CpuCeilings ceilings,
    List<ProbeResult> probes,
    List<KernelRow> kernels,
    double medianRelativeError,
    int heldOutShapes,
    boolean quick,
    MlaVsGqa mlaVsGqa,
    double seconds) {

  /** The probe of the given name. */
  public ProbeResult probe(String name) {
    return probes.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no probe " + name));
  }

  /**
   * One kernel shape: measured, predicted, and their ratio.
   *
   * @param role {@code calibration} (it set a ceiling) or {@code heldOut} (judged)
   */
  public record KernelRow(
      String label,
      String kernel,
      String dtype,
      Map<String, Integer> shape,
      String role,
      double flops,
      double bytes,
      double workingSetBytes,
      Timing timing,
      CpuPrediction prediction) {

    static KernelRow of(KernelCase c, Timing t, CpuPrediction p, String role) {
      return new KernelRow(
          c.label(),
          c.kernel(),
          c.dtype(),
          c.shape(),
          role,
          c.flops(),
          c.bytes(),
          c.workingSetBytes(),
          t,
          p);
    }

    /** The fastest sample: what is compared with the prediction. */
    public double measuredSeconds() {
      return timing.minSeconds();
    }

    public double medianSeconds() {
      return timing.medianSeconds();
    }

    /** measured (fastest sample) / predicted. */
    public double ratio() {
      return measuredSeconds() / prediction.seconds();
    }

    /** |predicted - measured| / measured. */
    public double relativeError() {
      return Math.abs(prediction.seconds() - measuredSeconds()) / measuredSeconds();
    }

    public double achievedBytesPerSecond() {
      return bytes / measuredSeconds();
    }

    public double achievedFlopsPerSecond() {
      return flops / measuredSeconds();
    }

    public Map<String, Object> toMap(boolean samples) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kernel", kernel);
      m.put("dtype", dtype);
      m.put("shape", shape);
      m.put("role", role);
      m.put("flops", flops);
      m.put("bytes", bytes);
      m.put("workingSetBytes", workingSetBytes);
      m.put("measuredSeconds", measuredSeconds());
      m.put("medianSeconds", medianSeconds());
      m.put("maxSeconds", timing.maxSeconds());
      m.put("relativeSpread", timing.relativeSpread());
      m.put("achievedBytesPerSecond", achievedBytesPerSecond());
      m.put("achievedFlopsPerSecond", achievedFlopsPerSecond());
      m.put("predictedSeconds", prediction.seconds());
      m.put("predictionMode", prediction.mode());
      m.put("bound", prediction.bound());
      m.put("memoryLevel", prediction.memoryLevel());
      m.put("ratio", ratio());
      m.put("relativeError", relativeError());
      if (samples) {
        m.put("samplesSeconds", timing.samplesSeconds());
        m.put("callsPerSample", timing.callsPerSample());
        m.put("warmupCalls", timing.warmupCalls());
      }
      return m;
    }
  }

  static Map<String, Object> probeMap(ProbeResult p, boolean samples) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("probe", p.name());
    boolean bytes = p.unit().equals("bytes");
    m.put(bytes ? "bytesPerSecond" : "flopsPerSecond", p.maxRate());
    m.put(bytes ? "medianBytesPerSecond" : "medianFlopsPerSecond", p.rate());
    m.put(bytes ? "minBytesPerSecond" : "minFlopsPerSecond", p.minRate());
    m.put("relativeSpread", p.timing().relativeSpread());
    m.put(bytes ? "bytesPerCall" : "flopsPerCall", p.amount());
    if (bytes) {
      m.put("arrayBytes", p.arrayBytes());
    }
    m.put("medianSeconds", p.timing().medianSeconds());
    if (samples) {
      m.put("samplesSeconds", p.timing().samplesSeconds());
      m.put("callsPerSample", p.timing().callsPerSample());
    }
    return m;
  }

  /** The JSON object of {@code hwplan measure cpu --json}, in SI units. */
  public Map<String, Object> toJson(String calibrationFile) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("machine", machine);
    m.put("date", date);
    m.put("quick", quick);
    m.put("readBytesPerSecond", probe("read").maxRate());
    m.put("copyBytesPerSecond", probe("copy").maxRate());
    m.put("triadBytesPerSecond", probe("triad").maxRate());
    m.put("llcReadBytesPerSecond", probe("llcRead").maxRate());
    m.put("fmaFlopsPerSecond", probe("fma").maxRate());
    m.put("medianRelativeError", medianRelativeError);
    m.put("heldOutShapes", heldOutShapes);
    m.put("ceilings", ceilings.toMap());
    m.put("probes", probes.stream().map(p -> probeMap(p, false)).toList());
    m.put("kernels", kernels.stream().map(k -> k.toMap(false)).toList());
    m.put("mlaVsGqa", mlaVsGqa.toMap());
    m.put("calibrationFile", calibrationFile);
    m.put("seconds", seconds);
    return m;
  }
}
