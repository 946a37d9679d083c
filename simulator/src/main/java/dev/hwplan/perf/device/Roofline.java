package dev.hwplan.perf.device;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;

/**
 * The roofline terms of an op from a profile's peaks (Williams, Waterman and Patterson 2009):
 * compute {@code flops / peak(dtype)}, memory {@code bytes / HBM bandwidth}, and for transfers
 * {@code bytes x trafficFactor / link bandwidth per direction}.
 */
public final class Roofline {
  private Roofline() {}

  /** Seconds of arithmetic at the profile's peak for the op's dtype. */
  public static double computeSeconds(Op op, DevicePeaks gpu) {
    if (op.flops() == 0) {
      return 0;
    }
    return op.flops() / gpu.peakFlops(op.dtype());
  }

  /** Seconds of device-memory traffic at the profile's bandwidth (0 for transfers). */
  public static double memorySeconds(Op op, DevicePeaks gpu) {
    if (op.shape() instanceof OpShape.Comm) {
      return 0;
    }
    return op.bytes() / gpu.memoryBandwidthBytesPerSecond();
  }

  /** Seconds on the scale-up link (NVLink, else PCIe), per direction, for transfers. */
  public static double linkSeconds(Op op, DevicePeaks gpu) {
    if (!(op.shape() instanceof OpShape.Comm c) || c.gpus() < 2) {
      return 0;
    }
    return c.bytes() * c.collective().trafficFactor(c.gpus()) / gpu.linkBytesPerSecond();
  }

  /** The scale-up link's bandwidth per direction. */
  public static double linkBytesPerSecond(GpuProfile gpu) {
    return DevicePeaks.of(gpu).linkBytesPerSecond();
  }

  /** The dense peak for {@code dtype}, or bad input naming the GPU when it lacks the format. */
  public static double peakFlops(GpuProfile gpu, DType dtype) {
    return DevicePeaks.of(gpu).peakFlops(dtype);
  }
}
