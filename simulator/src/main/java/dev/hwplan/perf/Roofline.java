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
    return Link.scaleUp(gpu, 0).bytesPerSecondPerDirection();
  }

  /** The dense peak for {@code dtype}, or bad input naming the GPU when it lacks the format. */
  public static double peakFlops(GpuProfile gpu, DType dtype) {
    OptionalDouble p = gpu.peakFlops(dtype);
    if (p.isEmpty()) {
      throw InvalidInputException.option(
          "--dtype", gpu.id() + " has no " + dtype.key() + " arithmetic in its profile");
    }
    return p.getAsDouble();
  }
}
