package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.Link;
import dev.hwplan.io.InvalidInputException;
import java.util.OptionalDouble;

/**
 * The roofline terms of an op from a profile's peaks (Williams, Waterman and Patterson 2009):
 * compute {@code flops / peak(dtype)}, memory {@code bytes / HBM bandwidth}, and for transfers
 * {@code bytes x trafficFactor / link bandwidth per direction}.
 */
public final class Roofline {
  private Roofline() {}

  /** Seconds of arithmetic at the profile's peak for the op's dtype. */
  public static double computeSeconds(Op op, GpuProfile gpu) {
    if (op.flops() == 0) {
      return 0;
    }
    return op.flops() / peakFlops(gpu, op.dtype());
  }

  /** Seconds of device-memory traffic at the profile's bandwidth (0 for transfers). */
  public static double memorySeconds(Op op, GpuProfile gpu) {
    if (op.shape() instanceof OpShape.Comm) {
      return 0;
    }
    return op.bytes() / gpu.memoryBandwidthBytesPerSecond();
  }

  /** Seconds on the scale-up link (NVLink, else PCIe), per direction, for transfers. */
  public static double linkSeconds(Op op, GpuProfile gpu) {
    if (!(op.shape() instanceof OpShape.Comm c) || c.gpus() < 2) {
      return 0;
    }
    return c.bytes() * c.collective().trafficFactor(c.gpus()) / linkBytesPerSecond(gpu);
  }

  /** The scale-up link's bandwidth per direction. */
  public static double linkBytesPerSecond(GpuProfile gpu) {
    Peaks p = peaks(gpu);
    if (p.link < 0) {
      return Link.scaleUp(gpu, 0).bytesPerSecondPerDirection(); // throws with the reason
    }
    return p.link;
  }

  /** The dense peak for {@code dtype}, or bad input naming the GPU when it lacks the format. */
  public static double peakFlops(GpuProfile gpu, DType dtype) {
    double v = peaks(gpu).flops[dtype.ordinal()];
    if (!(v > 0)) {
      throw InvalidInputException.option(
          "--dtype", gpu.id() + " has no " + dtype.key() + " arithmetic in its profile");
    }
    return v;
  }

  /**
   * Peaks derived once per profile: deriving them walks the hierarchy, and the estimators ask for
   * them for every op. One entry, compared by identity (records compare deeply, which costs more).
   */
  private record Peaks(GpuProfile gpu, double[] flops, double link) {}

  private static volatile Peaks last;

  private static Peaks peaks(GpuProfile gpu) {
    Peaks p = last;
    if (p != null && p.gpu == gpu) {
      return p;
    }
    double[] flops = new double[DType.values().length];
    for (DType d : DType.values()) {
      OptionalDouble v = gpu.peakFlops(d);
      flops[d.ordinal()] = v.isPresent() ? v.getAsDouble() : 0;
    }
    double link;
    try {
      link = Link.scaleUp(gpu, 0).bytesPerSecondPerDirection();
    } catch (InvalidInputException e) {
      link = -1;
    }
    p = new Peaks(gpu, flops, link);
    last = p;
    return p;
  }
}
