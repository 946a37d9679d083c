package dev.hwplan.kernels;

/**
 * The dimensions and strides of the scoring primitives ({@link KernelProvider#scoreBlocks}, {@link
 * KernelProvider#scoreRows}), the same for every call of one work item: {@code heads} queries of
 * {@code d} elements, head h's starting {@code h·qStride} after the query offset; keys {@code
 * kStride} apart (token-major rows, or {@link KeyLayout#BLOCKED} blocks of 16·d elements); head h's
 * scores starting {@code h·sStride} after the score offset; each score multiplied by {@code scale}.
 */
public record ScoreShape(int heads, int d, int qStride, int kStride, int sStride, float scale) {
  public ScoreShape {
    Bounds.positive(heads, "heads");
    Bounds.positive(d, "d");
  }
}
