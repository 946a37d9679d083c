package dev.hwplan.kernels;

/** Per-thread scratch arrays, grown on demand and reused, so kernels do not allocate per call. */
final class Scratch {
  private static final int SLOTS = 4;
  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[SLOTS][0]);

  private Scratch() {}

  /** A float array of at least n elements for this thread's slot; its contents are garbage. */
  static float[] get(int slot, int n) {
    float[][] b = BUFFERS.get();
    if (b[slot].length < n) {
      b[slot] = new float[Math.max(n, b[slot].length + b[slot].length / 2)];
    }
    return b[slot];
  }
}
