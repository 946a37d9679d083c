package dev.hwplan.kernels;

/**
 * RMSNorm (Zhang and Sennrich 2019) of {@code rows} rows of {@code dim}, behind {@link
 * KernelProvider#rmsNorm}: out = x / sqrt(mean(x²) + eps) · weight, with the mean square
 * accumulated in fp32 as the reference implementations do.
 */
final class RmsNorm {
  private RmsNorm() {}

  static void run(
      KernelProvider p, float[] x, float[] weight, float eps, float[] out, int rows, int dim) {
    Bounds.check(x, (long) rows * dim, "x");
    Bounds.check(out, (long) rows * dim, "out");
    Bounds.check(weight, dim, "weight");
    // Rows are independent: spread them over the threads once there is enough to stream.
    long bytes = 8L * rows * dim;
    int tasks = bytes < (256 << 10) ? 1 : Math.min(rows, 4 * KernelThreads.threads());
    int perTask = (rows + tasks - 1) / tasks;
    Chunking.forEach(
        (rows + perTask - 1) / perTask,
        tasks > 1,
        task -> {
          for (int r = task * perTask; r < Math.min(rows, (task + 1) * perTask); r++) {
            int off = r * dim;
            // Accumulate the mean square in fp32, as the reference implementations do.
            float meanSquare = p.dot(x, off, x, off, dim) / dim;
            float s = (float) (1.0 / Math.sqrt((double) meanSquare + eps));
            p.mulScaled(x, off, weight, 0, s, out, off, dim);
          }
        });
  }
}
