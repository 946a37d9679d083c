package dev.hwplan.kernels;

/**
 * y = A·x, row by row. It is bound by the bandwidth of reading A, so rows are split into blocks of
 * rows over the threads, each row one dot product.
 */
final class Gemv {
  static final long MIN_PARALLEL_BYTES = 256 << 10;

  private Gemv() {}

  static void run(KernelProvider p, int m, int k, Storage a, float[] x, float[] y) {
    Bounds.positive(m, "m");
    Bounds.positive(k, "k");
    Bounds.check(a, (long) m * k, "a");
    Bounds.check(x, k, "x");
    Bounds.check(y, m, "y");
    long totalBytes = (long) m * k * a.bytesPerElement();
    // Below MIN_PARALLEL_BYTES one thread is faster than a hand-off; above, 8 blocks per thread
    // of at least 64 KiB each let a slow thread be balanced by the others.
    int blocks =
        totalBytes < MIN_PARALLEL_BYTES
            ? 1
            : (int)
                Math.max(1, Math.min(m, Math.min(8L * KernelThreads.threads(), totalBytes >> 16)));
    int rowsPerBlock = (m + blocks - 1) / blocks;
    blocks = (m + rowsPerBlock - 1) / rowsPerBlock;
    int rows = rowsPerBlock;
    Chunking.forEach(
        blocks,
        blocks > 1,
        blk -> {
          int end = Math.min(m, (blk + 1) * rows);
          for (int i = blk * rows; i < end; i++) {
            y[i] = a.dot(p, x, 0, i * k, k);
          }
        });
  }
}
