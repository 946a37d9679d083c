package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.nonBlank;
import static dev.hwplan.io.Checks.positiveOrNull;
import static dev.hwplan.io.Checks.required;

import dev.hwplan.io.InvalidInputException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * A GPU as its hierarchy describes it. Peak rates are derived from the hierarchy (tensor cores x
 * dense FLOP per clock per tensor core x clock, FMA counted as 2 FLOP) and checked against the
 * datasheet's own figures, which the profile also records as stated.
 *
 * @param tensorFlopPerClockPerTensorCore dense FLOP (integer types: ops) per clock per tensor core,
 *     with FP32 accumulate where the product distinguishes accumulate types
 * @param tensorFlopPerClockPerTensorCoreFp16Accumulate the FP16-accumulate rates of GeForce parts
 * @param nonTensorFlopPerClockPerSm CUDA-core FLOP per clock per SM (FMA = 2 FLOP)
 * @param datasheetPeakTflops dense peaks as the vendor states them, in 10^12 FLOP/s
 * @param conflicts vendor figures that disagree with each other, and which one is used
 * @param unconfirmed figures that could not be confirmed from a primary source
 * @param sources source id to citation
 */
public record GpuProfile(
    String id,
    String name,
    String vendor,
    String architecture,
    String die,
    String formFactor,
    Units units,
    Sm sm,
    Clocks clocks,
    Map<DType, Double> tensorFlopPerClockPerTensorCore,
    Map<DType, Double> tensorFlopPerClockPerTensorCoreFp16Accumulate,
    Map<DType, Double> nonTensorFlopPerClockPerSm,
    Memory memory,
    Interconnect interconnect,
    Double tdpWatts,
    Map<PeakKey, Double> datasheetPeakTflops,
    List<FigureNote> conflicts,
    List<FigureNote> unconfirmed,
    Map<String, String> sources,
    List<String> notes) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  public GpuProfile {
    nonBlank(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new InvalidInputException(
          "", "id", "'" + id + "' must be lower-case letters, digits, '.' and '-'");
    }
    nonBlank(name, "name");
    nonBlank(vendor, "vendor");
    required(units, "units");
    required(sm, "sm");
    required(clocks, "clocks");
    required(memory, "memory");
    required(tensorFlopPerClockPerTensorCore, "tensorFlopPerClockPerTensorCore");
    required(nonTensorFlopPerClockPerSm, "nonTensorFlopPerClockPerSm");
    required(sources, "sources");
    if (sources.isEmpty()) {
      throw new InvalidInputException("", "sources", "at least one source is required");
    }
    positiveOrNull(tdpWatts, "tdpWatts");
    checkRates(tensorFlopPerClockPerTensorCore, "tensorFlopPerClockPerTensorCore");
    checkRates(nonTensorFlopPerClockPerSm, "nonTensorFlopPerClockPerSm");
    tensorFlopPerClockPerTensorCore = copy(tensorFlopPerClockPerTensorCore);
    nonTensorFlopPerClockPerSm = copy(nonTensorFlopPerClockPerSm);
    tensorFlopPerClockPerTensorCoreFp16Accumulate =
        tensorFlopPerClockPerTensorCoreFp16Accumulate == null
            ? Map.of()
            : copy(tensorFlopPerClockPerTensorCoreFp16Accumulate);
    checkRates(
        tensorFlopPerClockPerTensorCoreFp16Accumulate,
        "tensorFlopPerClockPerTensorCoreFp16Accumulate");
    if (datasheetPeakTflops == null) {
      datasheetPeakTflops = Map.of();
    }
    for (Map.Entry<PeakKey, Double> e : datasheetPeakTflops.entrySet()) {
      positiveOrNull(e.getValue(), "datasheetPeakTflops." + e.getKey().key());
    }
    datasheetPeakTflops =
        datasheetPeakTflops.isEmpty() ? Map.of() : new EnumMap<>(datasheetPeakTflops);
    conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
    unconfirmed = unconfirmed == null ? List.of() : List.copyOf(unconfirmed);
    sources = Map.copyOf(sources);
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  private static void checkRates(Map<DType, Double> rates, String field) {
    for (Map.Entry<DType, Double> e : rates.entrySet()) {
      if (e.getValue() == null) {
        throw new InvalidInputException(
            "",
            field + "." + e.getKey().key(),
            "no value; leave the dtype out where the hardware lacks it");
      }
      positiveOrNull(e.getValue(), field + "." + e.getKey().key());
    }
  }

  private static Map<DType, Double> copy(Map<DType, Double> m) {
    return m.isEmpty() ? Map.of() : new EnumMap<>(m);
  }

  /** SMs enabled on the product (AMD: CUs). */
  public int sms() {
    return units.enabled().sms();
  }

  /** Tensor cores enabled on the product: SMs x tensor cores per SM. */
  public int tensorCores() {
    return sms() * sm.tensorCores();
  }

  /** Dense peak of one datasheet figure, derived from the hierarchy, in FLOP/s. */
  public OptionalDouble derivedPeakFlops(PeakKey key) {
    DType d = key.dtype();
    Double perClock;
    double units;
    double hz;
    switch (key.engine()) {
      case VECTOR -> {
        perClock = nonTensorFlopPerClockPerSm.get(d);
        units = sms();
        hz = clocks.boostHz();
      }
      case TENSOR -> {
        perClock = tensorFlopPerClockPerTensorCore.get(d);
        units = tensorCores();
        hz = d == DType.FP64 ? clocks.fp64TensorHz() : clocks.tensorHz();
      }
      case TENSOR_FP16_ACCUMULATE -> {
        perClock = tensorFlopPerClockPerTensorCoreFp16Accumulate.get(d);
        units = tensorCores();
        hz = clocks.tensorHz();
      }
      default -> throw new IllegalStateException(key.toString());
    }
    return perClock == null ? OptionalDouble.empty() : OptionalDouble.of(units * perClock * hz);
  }

  /**
   * The highest dense rate a kernel can reach in {@code dtype}, in FLOP/s: the tensor-core rate
   * with FP32 accumulate where there is one, the CUDA-core rate otherwise (FP32), and the higher of
   * the two for FP64. Empty where the device lacks the format.
   */
  public OptionalDouble peakFlops(DType dtype) {
    OptionalDouble best = OptionalDouble.empty();
    for (PeakKey k : PeakKey.values()) {
      if (k.dtype() != dtype || k.engine() == PeakKey.Engine.TENSOR_FP16_ACCUMULATE) {
        continue;
      }
      OptionalDouble v = derivedPeakFlops(k);
      if (v.isPresent() && (best.isEmpty() || v.getAsDouble() > best.getAsDouble())) {
        best = v;
      }
    }
    return best;
  }

  /** Memory bandwidth in bytes/s. */
  public double memoryBandwidthBytesPerSecond() {
    return memory.bandwidthBytesPerSecond();
  }

  /** Memory capacity in bytes. */
  public long memoryBytes() {
    return memory.capacityBytes();
  }
}
