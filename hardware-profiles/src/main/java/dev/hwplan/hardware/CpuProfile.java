package dev.hwplan.hardware;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU this process runs on, as far as it can be read: logical cores, SIMD width (from the
 * Vector API's preferred species where the incubator module is present, else from the CPU flags),
 * and the clock where Linux exposes it. Peak rates come from calibration, not from these fields.
 *
 * @param simdBits vector register width the JVM will use
 * @param fmaUnitsPerCore FMA pipes per core: 2 on AVX-512 server cores (Skylake-SP and later, Zen 4
 *     double-pumped), an assumption recorded in {@code notes}
 * @param clockMHz the maximum (or current) clock Linux reports, or null
 */
public record CpuProfile(
    String model,
    int logicalCores,
    int simdBits,
    String simdSource,
    int fmaUnitsPerCore,
    Double clockMHz,
    String clockSource,
    List<String> flags,
    List<String> notes) {

  /** Reads the profile of the machine this JVM runs on. */
  public static CpuProfile local() {
    List<String> cpuinfo = readLines(Path.of("/proc/cpuinfo"));
    String model =
        field(cpuinfo, "model name").orElse(System.getProperty("os.arch", "unknown") + " CPU");
    List<String> flags =
        field(cpuinfo, "flags").map(f -> List.of(f.trim().split("\\s+"))).orElse(List.of());
    int cores = Runtime.getRuntime().availableProcessors();

    int simd;
    String simdSource;
    Optional<Integer> vectorBits = vectorApiBits();
    if (vectorBits.isPresent()) {
      simd = vectorBits.get();
      simdSource = "jdk.incubator.vector preferred species";
    } else {
      simd = flags.contains("avx512f") ? 512 : flags.contains("avx2") ? 256 : 128;
      simdSource = "/proc/cpuinfo flags (Vector API module absent)";
    }
    int fma = flags.contains("avx512f") || flags.contains("fma") ? 2 : 1;

    Double mhz = null;
    String clockSource = null;
    List<String> max = readLines(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"));
    if (!max.isEmpty()) {
      try {
        mhz = Double.parseDouble(max.get(0).trim()) / 1000.0;
        clockSource = "cpufreq cpuinfo_max_freq";
      } catch (NumberFormatException ignored) {
        // fall through to /proc/cpuinfo
      }
    }
    if (mhz == null) {
      Optional<String> cur = field(cpuinfo, "cpu MHz");
      if (cur.isPresent()) {
        try {
          mhz = Double.parseDouble(cur.get().trim());
          clockSource = "/proc/cpuinfo cpu MHz (current, not max)";
        } catch (NumberFormatException ignored) {
          // leave unknown
        }
      }
    }
    List<String> simdFlags =
        flags.stream()
            .filter(
                f ->
                    f.startsWith("avx")
                        || f.equals("fma")
                        || f.startsWith("sse4")
                        || f.equals("amx_bf16"))
            .toList();
    return new CpuProfile(
        model.trim(),
        cores,
        simd,
        simdSource,
        fma,
        mhz,
        clockSource,
        simdFlags,
        List.of(
            "fmaUnitsPerCore is assumed from the ISA flags, not measured; "
                + "`hwplan measure cpu` measures the real FMA throughput."));
  }

  /** FP32 lanes per vector register. */
  public int fp32Lanes() {
    return simdBits / 32;
  }

  /**
   * Nominal FP32 peak from the fields: cores x FMA units x lanes x 2 FLOP x clock. Logical cores
   * count hyper-threads, so this is an upper bound; calibration replaces it.
   */
  public double nominalPeakFp32FlopsPerSecond() {
    double hz = clockMHz == null ? 0 : clockMHz * 1e6;
    return logicalCores * (double) fmaUnitsPerCore * fp32Lanes() * 2.0 * hz;
  }

  private static Optional<Integer> vectorApiBits() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return Optional.empty();
    }
    try {
      Class<?> shape = Class.forName("jdk.incubator.vector.VectorShape");
      Object preferred = shape.getMethod("preferredShape").invoke(null);
      Method bits = shape.getMethod("vectorBitSize");
      return Optional.of((Integer) bits.invoke(preferred));
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }

  private static Optional<String> field(List<String> lines, String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(k)) {
        return Optional.of(line.substring(colon + 1).trim());
      }
    }
    return Optional.empty();
  }

  private static List<String> readLines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}
