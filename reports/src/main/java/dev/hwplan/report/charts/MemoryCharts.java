package dev.hwplan.report.charts;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/** Inference-memory charts. */
public final class MemoryCharts {
  /** 1 to 256 concurrent sequences in powers of two. */
  public static final List<Long> DEFAULT_SEQUENCES =
      List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L);

  private MemoryCharts() {}

  /**
   * Weights plus KV cache on one GPU against concurrent sequences of {@code context} tokens, one
   * line per tensor-parallel degree, with the GPU's memory as a horizontal line. Weights come from
   * {@link InferenceMemoryCalculator#weightBytesPerGpu} and KV from {@link
   * KvCacheCalculator#compute}'s {@code perGpuBytes} (paged, in whole blocks); activations and the
   * CUDA reserve are left out, so a line must stay clear of the memory line by that much ({@code
   * hwplan memory} gives the full budget).
   *
   * @param tps tensor-parallel degrees, each valid for the model (pipeline parallel 1)
   * @param sequences concurrent sequences, each positive
   */
  public static XYChart memoryVsSequences(
      ModelSpec model,
      GpuProfile gpu,
      List<Integer> tps,
      WeightDtype weights,
      KvCacheCalculator.Options kv,
      long context,
      List<Long> sequences) {
    if (tps.isEmpty() || sequences.isEmpty()) {
      throw new IllegalArgumentException("need at least one TP degree and one sequence count");
    }
    XYChart chart =
        ChartStyle.xy(
            String.format(
                Locale.ROOT,
                "%s on %s: weights (%s) + KV cache (%s) per GPU",
                model.id(),
                gpu.id(),
                weights.key(),
                kv.dtype().key()),
            String.format(Locale.ROOT, "concurrent sequences of %,d tokens (log scale)", context),
            "memory per GPU (GiB, log scale)");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    double[] x = sequences.stream().mapToDouble(Long::doubleValue).toArray();
    for (int i = 0; i < tps.size(); i++) {
      Parallelism par = Parallelism.of(tps.get(i), 1);
      par.validateFor(model);
      long w = InferenceMemoryCalculator.weightBytesPerGpu(model, par, weights);
      double[] y = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        long kvBytes =
            KvCacheCalculator.compute(model, context, sequences.get(j), kv.withParallelism(par))
                .perGpuBytes();
        y[j] = ChartStyle.gib(w + kvBytes);
      }
      String name =
          String.format(Locale.ROOT, "TP=%d (weights %.1f GiB/GPU)", par.tp(), ChartStyle.gib(w));
      ChartStyle.slot(chart.addSeries(name, x, y), i);
    }
    double mem = ChartStyle.gib(gpu.memoryBytes());
    ChartStyle.limit(
        chart.addSeries(
            String.format(Locale.ROOT, "%s memory (%.0f GiB)", gpu.id(), mem),
            new double[] {x[0], x[x.length - 1]},
            new double[] {mem, mem}));
    return chart;
  }

  /** {@link #memoryVsSequences} with bf16 KV in 16-token blocks over {@link #DEFAULT_SEQUENCES}. */
  public static XYChart memoryVsSequences(
      ModelSpec model, GpuProfile gpu, List<Integer> tps, WeightDtype weights, long context) {
    return memoryVsSequences(
        model, gpu, tps, weights, KvCacheCalculator.Options.defaults(), context, DEFAULT_SEQUENCES);
  }
}
