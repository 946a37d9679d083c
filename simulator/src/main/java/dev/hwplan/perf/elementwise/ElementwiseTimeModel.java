package dev.hwplan.perf.elementwise;

import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.Terms;

/**
 * Memory-bound kernels: {@code t = kernels x kernelLatency + bytes / copyBandwidth}. The latency is
 * the cost of one small kernel in a CUDA graph (its launch slot, prologue and the DRAM round trip);
 * the bandwidth is the achieved copy rate.
 */
public record ElementwiseTimeModel(double kernelLatencySeconds) {
  public Terms time(OpShape.Elementwise s, double bytes, double copyBandwidth) {
    double latency = s.kernels() * kernelLatencySeconds;
    double mem = bytes / copyBandwidth;
    return new Terms(latency, mem, 0, 0, latency + mem);
  }
}
