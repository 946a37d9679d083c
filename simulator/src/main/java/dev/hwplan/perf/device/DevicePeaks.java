package dev.hwplan.perf.device;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.Link;
import dev.hwplan.io.InvalidInputException;
import java.util.OptionalDouble;

/**
 * What the time models need of a GPU, derived from its profile once: the SM count, the dense peak
 * per dtype (the hierarchy walk of {@link GpuProfile#peakFlops}), the HBM bandwidth and the
 * scale-up link's rate. It also holds the GPU's memo of GEMM tile utilisation ({@link
 * TileQuantisation#utilisation}, a pure function of the problem and the SM count). An op-time model
 * derives one per GPU and keeps it; nothing here is static.
 */
public final class DevicePeaks {
  /** Slots of the utilisation memo (a power of two). */
  private static final int UTILISATION_SLOTS = 1 << 10;

  private final GpuProfile gpu;
  private final int sms;
  private final double smCycles;
  private final double[] flops;
  private final double memoryBandwidth;
  private final double link;

  /**
   * The utilisation memo, direct-mapped: a problem's slot holds the last problem that hashed there
   * and its utilisation. A lookup is one array read and four compares, a miss one allocation and no
   * more (a hash map's lookup, boxing and clearing cost several times the search they saved on a
   * sweep of new shapes). Entries are immutable, so a slot read while another thread writes it
   * gives the old entry or the new one, whole; either is a correct answer for its own problem.
   */
  private final Utilisation[] utilisation = new Utilisation[UTILISATION_SLOTS];

  /** A GEMM problem and its utilisation. */
  private record Utilisation(int groups, long m, long n, long k, double value) {}

  private DevicePeaks(GpuProfile gpu) {
    this.gpu = gpu;
    this.sms = gpu.sms();
    this.smCycles = sms * gpu.clocks().boostHz();
    this.flops = new double[DType.values().length];
    for (DType d : DType.values()) {
      OptionalDouble v = gpu.peakFlops(d);
      flops[d.ordinal()] = v.isPresent() ? v.getAsDouble() : 0;
    }
    this.memoryBandwidth = gpu.memoryBandwidthBytesPerSecond();
    double l;
    try {
      l = Link.scaleUp(gpu, 0).bytesPerSecondPerDirection();
    } catch (InvalidInputException e) {
      l = -1; // asked again, and so thrown with the reason, by an op that needs the link
    }
    this.link = l;
  }

  /** The peaks of {@code gpu}. */
  public static DevicePeaks of(GpuProfile gpu) {
    return new DevicePeaks(gpu);
  }

  public GpuProfile gpu() {
    return gpu;
  }

  public int sms() {
    return sms;
  }

  /** SM cycles a second over the whole GPU: SMs x the boost clock. */
  public double smCyclesPerSecond() {
    return smCycles;
  }

  /** HBM bandwidth from the profile, bytes/s. */
  public double memoryBandwidthBytesPerSecond() {
    return memoryBandwidth;
  }

  /** The dense peak for {@code dtype}, or bad input naming the GPU when it lacks the format. */
  public double peakFlops(DType dtype) {
    double v = flops[dtype.ordinal()];
    if (!(v > 0)) {
      throw InvalidInputException.option(
          "--dtype", gpu.id() + " has no " + dtype.key() + " arithmetic in its profile");
    }
    return v;
  }

  /** Whether the profile has a dense peak for {@code dtype}. */
  public boolean hasPeak(DType dtype) {
    return flops[dtype.ordinal()] > 0;
  }

  /** The scale-up link's bandwidth per direction, or bad input saying why the GPU has none. */
  public double linkBytesPerSecond() {
    if (link < 0) {
      return Link.scaleUp(gpu, 0).bytesPerSecondPerDirection(); // throws with the reason
    }
    return link;
  }

  /** {@link TileQuantisation#utilisation} on this GPU's SMs, memoised by problem. */
  public double gemmUtilisation(int groups, long m, long n, long k) {
    long h =
        ((groups * 0x9E3779B97F4A7C15L + m) * 0x9E3779B97F4A7C15L + n) * 0x9E3779B97F4A7C15L + k;
    int slot = (int) (h ^ (h >>> 29) ^ (h >>> 47)) & (UTILISATION_SLOTS - 1);
    Utilisation u = utilisation[slot];
    if (u != null && u.m == m && u.n == n && u.k == k && u.groups == groups) {
      return u.value;
    }
    double value = TileQuantisation.utilisation(groups, m, n, k, sms);
    utilisation[slot] = new Utilisation(groups, m, n, k, value);
    return value;
  }
}
