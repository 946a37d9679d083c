package dev.hwplan.kernels;

/**
 * Rotary position embedding (Su et al. 2021), in place, behind {@link KernelProvider#rope}: the
 * rotate-half layout of Hugging Face Llama, where element i of a head pairs with element i +
 * headDim/2, and token t of x {@code [tokens][heads][headDim]} is at position {@code firstPosition
 * + t}.
 */
final class Rope {
  private Rope() {}

  static void run(
      KernelProvider p,
      float[] x,
      int tokens,
      int heads,
      int headDim,
      int firstPosition,
      RopeTable table) {
    Bounds.check(x, (long) tokens * heads * headDim, "x");
    if (headDim != table.headDim()) {
      throw new IllegalArgumentException(
          "headDim " + headDim + " differs from the table's " + table.headDim());
    }
    int half = headDim / 2;
    for (int t = 0; t < tokens; t++) {
      int csOff = table.offset(firstPosition + t);
      for (int h = 0; h < heads; h++) {
        int base = (t * heads + h) * headDim;
        p.rotate(x, base, base + half, table.cos(), table.sin(), csOff, half);
      }
    }
  }
}
