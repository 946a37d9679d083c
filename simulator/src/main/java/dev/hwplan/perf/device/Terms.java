package dev.hwplan.perf.device;

/**
 * The parts of a calibrated time: a fixed latency, and the memory, compute and link terms the model
 * combined into {@code seconds}.
 */
public record Terms(
    double latencySeconds,
    double memorySeconds,
    double computeSeconds,
    double linkSeconds,
    double seconds) {
  /** The largest term; latency when the fixed cost exceeds every other term. */
  public Bound bound() {
    double work = Math.max(memorySeconds, Math.max(computeSeconds, linkSeconds));
    if (latencySeconds >= work) {
      return Bound.LATENCY;
    }
    if (linkSeconds >= Math.max(memorySeconds, computeSeconds)) {
      return Bound.NETWORK;
    }
    return computeSeconds > memorySeconds ? Bound.COMPUTE : Bound.MEMORY;
  }
}
