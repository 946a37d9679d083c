package dev.hwplan.perf.device;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.Link;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.util.BoundedMemo;
import java.util.OptionalDouble;

/**
 * What the time models need of a GPU, derived from its profile once: the SM count, the dense peak
 * per dtype (the hierarchy walk of {@link GpuProfile#peakFlops}), the HBM bandwidth and the
 * scale-up link's rate. It also holds the GPU's memo of GEMM tile utilisation ({@link
 * TileQuantisation#utilisation}, a pure function of the problem and the SM count). An op-time model
 * derives one per GPU and keeps it; nothing here is static.
 */
public final class DevicePeaks {
  /** GEMM problems whose utilisation is remembered before the memo is emptied. */
  private static final int UTILISATION_CAPACITY = 1 << 16;

  private final GpuProfile gpu;
  private final int sms;
  private final double[] flops;
  private final double memoryBandwidth;
  private final double link;
  private final BoundedMemo<UtilKey, Double> utilisation = new BoundedMemo<>(UTILISATION_CAPACITY);

  /**
   * A GEMM problem. Equality written out: a record's generated {@code equals} and {@code hashCode}
   * bootstrap method handles at their first call, which every quick command pays at start-up.
   */
  private record UtilKey(int groups, long m, long n, long k) {
    @Override
    public boolean equals(Object o) {
      return o instanceof UtilKey u && groups == u.groups && m == u.m && n == u.n && k == u.k;
    }

    @Override
    public int hashCode() {
      return ((Integer.hashCode(groups) * 31 + Long.hashCode(m)) * 31 + Long.hashCode(n)) * 31
          + Long.hashCode(k);
    }
  }

  private DevicePeaks(GpuProfile gpu) {
    this.gpu = gpu;
    this.sms = gpu.sms();
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
    return utilisation.get(
        new UtilKey(groups, m, n, k),
        key -> TileQuantisation.utilisation(key.groups(), key.m(), key.n(), key.k(), sms));
  }
}
