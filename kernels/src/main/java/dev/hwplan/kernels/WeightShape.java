package dev.hwplan.kernels;

/**
 * The dimensions and strides of {@link KernelProvider#weightedRowsHeads}, the same for every call
 * of one work item: {@code heads} heads over token-major value rows of {@code d} elements (one row
 * every {@code d}); head h's weights start {@code h·wStride} after the weight offset and its output
 * {@code h·outStride} after the output offset.
 */
public record WeightShape(int heads, int d, int wStride, int outStride) {
  public WeightShape {
    Bounds.positive(heads, "heads");
    Bounds.positive(d, "d");
  }
}
