package dev.hwplan.scaling;

/**
 * What training compute costs on a GPU: GPU-hours = C / (peak × MFU) / 3600, and the price where
 * one is given. MFU (model FLOPs utilisation) is the share of the dense peak that the run sustains;
 * Llama 3 reports 38-43% in BF16 on H100s (Grattafiori et al. 2024, Table 4).
 *
 * @param flops training compute in FLOP
 * @param peakFlopsPerSecond the GPU's dense peak in the training dtype
 * @param mfu the assumed model FLOPs utilisation, in (0, 1]
 * @param pricePerGpuHour price of one GPU-hour, or NaN where none was given
 */
public record TrainingCost(
    double flops, double peakFlopsPerSecond, double mfu, double pricePerGpuHour) {
  public TrainingCost {
    if (!(flops > 0 && peakFlopsPerSecond > 0 && mfu > 0 && mfu <= 1)) {
      throw new IllegalArgumentException("need positive flops and peak, and 0 < mfu <= 1");
    }
  }

  /** GPU-seconds: C / (peak × MFU). */
  public double gpuSeconds() {
    return flops / (peakFlopsPerSecond * mfu);
  }

  /** GPU-hours: C / (peak × MFU) / 3600. */
  public double gpuHours() {
    return gpuSeconds() / 3600;
  }

  /** Wall-clock seconds on {@code gpus} GPUs, assuming the MFU holds at that scale. */
  public double wallSeconds(int gpus) {
    return gpuSeconds() / gpus;
  }

  /** Whether a price was given. */
  public boolean priced() {
    return !Double.isNaN(pricePerGpuHour);
  }

  /** GPU-hours × price per GPU-hour; NaN without a price. */
  public double cost() {
    return gpuHours() * pricePerGpuHour;
  }

  /** The compute that {@code gpuHours} buy at this peak and MFU: C = hours × 3600 × peak × MFU. */
  public static double flopsFor(double gpuHours, double peakFlopsPerSecond, double mfu) {
    return gpuHours * 3600 * peakFlopsPerSecond * mfu;
  }
}
