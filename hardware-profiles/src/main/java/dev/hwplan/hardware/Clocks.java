package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.positive;
import static dev.hwplan.io.Checks.positiveOrNull;

/**
 * Clocks in MHz. Vendors sometimes state tensor peaks at a lower clock than the boost clock (H100
 * SXM5: 1830 MHz for FP16/BF16/FP8/TF32/INT8, 1980 MHz for FP64 and FP32, per the H100 whitepaper
 * V1.04 Table 3); the tensor clocks default to the boost clock.
 */
public record Clocks(Double boostMHz, Double tensorMHz, Double fp64TensorMHz, Double baseMHz) {
  public Clocks {
    positive(boostMHz, "boostMHz");
    positiveOrNull(tensorMHz, "tensorMHz");
    positiveOrNull(fp64TensorMHz, "fp64TensorMHz");
    positiveOrNull(baseMHz, "baseMHz");
  }

  /** Clock for tensor peaks of every dtype but FP64, in Hz. */
  public double tensorHz() {
    return (tensorMHz != null ? tensorMHz : boostMHz) * 1e6;
  }

  /** Clock for FP64 tensor peaks, in Hz. */
  public double fp64TensorHz() {
    return (fp64TensorMHz != null ? fp64TensorMHz : boostMHz) * 1e6;
  }

  /** Boost clock, used for non-tensor (CUDA core) peaks, in Hz. */
  public double boostHz() {
    return boostMHz * 1e6;
  }
}
