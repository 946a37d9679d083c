package dev.hwplan.perf.cpu;

import dev.hwplan.hardware.CpuProfile;
import dev.hwplan.hardware.calibration.Calibration;
import dev.hwplan.hardware.calibration.Provenance;
import dev.hwplan.kernels.CacheInfo;
import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.KernelRunner;
import dev.hwplan.kernels.KernelThreads;
import dev.hwplan.kernels.Timing;
import dev.hwplan.kernels.probe.BandwidthProbe;
import dev.hwplan.kernels.probe.FmaProbe;
import dev.hwplan.kernels.probe.ProbeResult;
import dev.hwplan.kernels.provider.KernelProviders;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The measured mode on the CPU: runs the probes, sets the roofline's ceilings from them and from
 * the calibration shapes, then times the held-out shapes and compares each with its prediction.
 *
 * <p>Ceilings and comparisons use each timing's fastest sample, as STREAM reports its best rate:
 * other processes can only slow a sample down, so the fastest is the least disturbed estimate of
 * what the machine does. The median and the spread are reported beside it.
 */
public final class CpuMeasurement {
  /** Progress: the step just started, and how many steps there are. */
  public interface Listener {
    void step(String what, int done, int total);
  }

  /** How much to measure. */
  public enum Scale {
    /** The full grid: about half a minute on two cores. */
    FULL,
    /** Fewer shapes and samples. */
    QUICK,
    /** Tiny arrays and shapes, one sample: checks the plumbing (tests), measures nothing. */
    SMOKE
  }

  private final KernelProvider provider;
  private final KernelRunner.Settings settings;
  private final Scale scale;
  private final boolean quick;

  public CpuMeasurement(Scale scale) {
    this(KernelProviders.get(), scale);
  }

  public CpuMeasurement(KernelProvider provider, Scale scale) {
    this.provider = provider;
    this.scale = scale;
    this.quick = scale != Scale.FULL;
    this.settings =
        switch (scale) {
          case FULL -> KernelRunner.Settings.DEFAULT;
          case QUICK -> KernelRunner.Settings.QUICK;
          case SMOKE -> new KernelRunner.Settings(0, 0, 2, 1e-4);
        };
  }

  /** Runs everything; {@code listener} hears of each step. */
  public CpuMeasurementResult run(Listener listener) {
    long start = System.nanoTime();
    String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    KernelCases cases = new KernelCases(provider);
    boolean smoke = scale == Scale.SMOKE;
    List<CpuGrid.Entry> heldOut =
        smoke ? CpuGrid.smoke(cases) : CpuGrid.heldOut(cases, scale == Scale.QUICK);
    int total = 1 + 5 + 6 + heldOut.size() + 1;
    int[] done = {0};
    Consumer<String> step = s -> listener.step(s, done[0]++, total);

    step.accept("JIT warm-up");
    cases.warmUpJit(smoke ? 0 : quick ? 1.0 : 2.0);

    List<ProbeResult> probes = new ArrayList<>();
    {
      BandwidthProbe memory =
          new BandwidthProbe(provider, smoke ? 1 << 16 : BandwidthProbe.memoryElements());
      for (String k : List.of("read", "copy", "triad")) {
        step.accept("STREAM " + k);
        probes.add(memory.measure(k, settings));
      }
    }
    step.accept("LLC read");
    ProbeResult llc =
        rename(
            new BandwidthProbe(provider, smoke ? 1 << 14 : BandwidthProbe.cacheElements())
                .measure("read", settings),
            "llcRead");
    probes.add(llc);
    step.accept("FMA peak");
    ProbeResult fma =
        new FmaProbe(provider, smoke ? 1000 : quick ? 200_000 : 400_000).measure(settings);
    probes.add(fma);

    List<CpuMeasurementResult.KernelRow> rows = new ArrayList<>();
    Ceiling tiny = ceiling(step, "call overhead", () -> CpuGrid.overhead(cases));
    double overhead = tiny.timing().minSeconds();
    Ceiling matrix =
        ceiling(
            step,
            "matrix ceiling",
            () -> smoke ? cases.gemm(32, 32, 32, "fp32") : CpuGrid.matrix(cases));
    Ceiling attention =
        ceiling(
            step,
            "attention ceiling",
            () ->
                smoke
                    ? cases.decodeAttention(
                        new dev.hwplan.kernels.AttentionShape(1, 4, 1, 16, 64), "fp32")
                    : CpuGrid.attention(cases));
    Ceiling tokenMajor =
        ceiling(
            step,
            "token-major attention ceiling",
            () ->
                smoke
                    ? cases.decodeAttention(
                        new dev.hwplan.kernels.AttentionShape(1, 4, 1, 16, 64),
                        "fp32",
                        dev.hwplan.kernels.KeyLayout.TOKEN_MAJOR)
                    : CpuGrid.tokenMajorAttention(cases));
    Ceiling stream =
        ceiling(
            step,
            "streaming efficiency",
            () -> smoke ? cases.gemv(64, 1024, "fp32") : CpuGrid.stream(cases));
    Ceiling mla =
        ceiling(
            step,
            "MLA ceiling",
            () ->
                smoke
                    ? cases.mlaDecodeAttention(
                        new dev.hwplan.kernels.MlaShape(1, 2, 8, 4, 16, 0.5f), "fp32")
                    : CpuGrid.mla(cases));
    double matrixRate = matrix.flopRate(overhead);
    double attentionRate = attention.flopRate(overhead);
    double tokenMajorRate = tokenMajor.flopRate(overhead);
    double kernelRead = stream.byteRate(overhead);
    double mlaRate = mla.flopRate(overhead);

    CpuCeilings ceilings =
        new CpuCeilings(
            probes.get(0).maxRate(),
            Math.min(kernelRead, probes.get(0).maxRate()),
            llc.maxRate(),
            CacheInfo.lastLevelCacheBytes(),
            fma.maxRate(),
            Math.min(matrixRate, fma.maxRate()),
            Math.min(attentionRate, fma.maxRate()),
            Math.min(tokenMajorRate, fma.maxRate()),
            Math.min(mlaRate, fma.maxRate()),
            overhead);
    CpuRoofline model = new CpuRoofline(ceilings);
    for (Ceiling c : new Ceiling[] {tiny, matrix, attention, tokenMajor, stream, mla}) {
      KernelCase k = c.kernel();
      rows.add(
          CpuMeasurementResult.KernelRow.of(
              k, c.timing(), model.predict(CpuWork.of(k)), "calibration"));
    }

    for (CpuGrid.Entry e : heldOut) {
      KernelCase c = e.build().get();
      step.accept(c.label());
      Timing t = KernelRunner.time(c.call(), settings);
      rows.add(CpuMeasurementResult.KernelRow.of(c, t, model.predict(CpuWork.of(c)), e.role()));
    }
    step.accept("MLA vs GQA at equal memory");
    // Caches beyond the LLC for the full run (64 MiB each); a quick run keeps to 16 MiB, so that
    // MLA's 2 GFLOP per call stays short.
    MlaVsGqa mlaVsGqa =
        MlaVsGqa.measure(
            cases,
            settings,
            (scale == Scale.FULL ? 64.0 : 16.0) * (1 << 20),
            smoke,
            probes.get(0).maxRate(),
            fma.maxRate());
    listener.step("done", total, total);

    double[] errors =
        rows.stream()
            .filter(r -> r.role().equals("heldOut"))
            .mapToDouble(CpuMeasurementResult.KernelRow::relativeError)
            .sorted()
            .toArray();
    double median = median(errors);
    return new CpuMeasurementResult(
        machine(),
        date,
        ceilings,
        probes,
        rows,
        median,
        errors.length,
        quick,
        mlaVsGqa,
        (System.nanoTime() - start) * 1e-9);
  }

  private static ProbeResult rename(ProbeResult r, String name) {
    return new ProbeResult(name, r.unit(), r.amount(), r.arrayBytes(), r.timing());
  }

  static double median(double[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double[] s = sorted.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  private Map<String, Object> machine() {
    CpuProfile cpu = CpuProfile.local();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", cpu.model());
    m.put("host", host());
    m.put("logicalCores", cpu.logicalCores());
    m.put("threads", KernelThreads.threads());
    m.put("simdBits", cpu.simdBits());
    m.put("clockMHz", cpu.clockMHz());
    m.put("llcBytes", CacheInfo.lastLevelCacheBytes());
    m.put("provider", provider.name());
    m.put("vectorBitSize", provider.vectorBitSize());
    m.put("jdk", System.getProperty("java.version"));
    m.put("jdkVendor", System.getProperty("java.vendor"));
    m.put("jvm", System.getProperty("java.vm.name"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("flags", cpu.flags());
    return m;
  }

  /** This machine's host name, for file names and provenance. */
  public static String host() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException | RuntimeException e) {
        h = "localhost";
      }
    }
    return h.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The calibration to write: the ceilings, and every raw sample, with where they came from. */
  public static Calibration toCalibration(CpuMeasurementResult r, String tool) {
    Map<String, Object> m = r.machine();
    String driver =
        "JDK "
            + m.get("jdk")
            + " ("
            + m.get("jdkVendor")
            + "), "
            + m.get("provider")
            + " kernels"
            + ((Integer) m.get("vectorBitSize") > 0 ? " " + m.get("vectorBitSize") + "-bit" : "")
            + ", "
            + m.get("threads")
            + " threads";
    Provenance prov =
        new Provenance(
            String.valueOf(m.get("cpu")), driver, r.date(), tool, String.valueOf(m.get("host")));
    Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    rows.put("machine", List.of(m));
    List<Map<String, Object>> probes = new ArrayList<>();
    for (ProbeResult p : r.probes()) {
      probes.add(CpuMeasurementResult.probeMap(p, true));
    }
    rows.put("probes", probes);
    List<Map<String, Object>> kernels = new ArrayList<>();
    for (CpuMeasurementResult.KernelRow k : r.kernels()) {
      kernels.add(k.toMap(true));
    }
    rows.put("kernels", kernels);
    return new Calibration("cpu-" + m.get("host"), prov, r.ceilings().toMap(), rows);
  }

  /** A ceiling's kernel and its timing. */
  private record Ceiling(KernelCase kernel, Timing timing) {
    /** The kernel's FLOPs per second beyond the call {@code overhead}. */
    double flopRate(double overhead) {
      return kernel.flops() / Math.max(1e-12, timing.minSeconds() - overhead);
    }

    /** The kernel's bytes per second beyond the call {@code overhead}. */
    double byteRate(double overhead) {
      return kernel.bytes() / Math.max(1e-12, timing.minSeconds() - overhead);
    }
  }

  /** Announces {@code label}, then makes the kernel and times it. */
  private Ceiling ceiling(Consumer<String> step, String label, Supplier<KernelCase> make) {
    step.accept(label);
    KernelCase k = make.get();
    return new Ceiling(k, KernelRunner.time(k.call(), settings));
  }
}
