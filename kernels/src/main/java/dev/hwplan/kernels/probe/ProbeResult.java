package dev.hwplan.kernels.probe;

import dev.hwplan.kernels.Timing;

/**
 * One probe's measurement.
 *
 * @param name {@code read}, {@code copy}, {@code triad} or {@code fma}
 * @param unit {@code bytes} or {@code flops}: what {@code amount} counts
 * @param amount bytes moved or FLOP done by one call
 * @param arrayBytes bytes per array, 0 for the FMA probe
 */
public record ProbeResult(String name, String unit, double amount, long arrayBytes, Timing timing) {
  /** Bytes/s or FLOP/s at the median time. */
  public double rate() {
    return amount / timing.medianSeconds();
  }

  /** The rate at the slowest and the fastest sample. */
  public double minRate() {
    return amount / timing.maxSeconds();
  }

  public double maxRate() {
    return amount / timing.minSeconds();
  }
}
