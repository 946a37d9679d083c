package dev.hwplan.report.charts;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.InferenceMemory;
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

  /** vLLM's default {@code gpu_memory_utilization}. */
  public static final double DEFAULT_GPU_MEM_UTIL = 0.9;

  private MemoryCharts() {}

  /**
   * Memory on one GPU against concurrent sequences of {@code context} tokens, one line per
   * tensor-parallel degree: everything {@link InferenceMemoryCalculator} counts against the usable
   * memory, that is weights ({@link InferenceMemoryCalculator#weightBytesPerGpu}), the activation
   * peak of vLLM's profiling pass, the CUDA reserve and the KV cache ({@link
   * KvCacheCalculator#compute}'s {@code perGpuBytes}, paged in whole blocks). The horizontal line
   * is the usable memory, {@code gpuMemUtil} of the GPU's, which is what "sequences that fit"
   * ({@code hwplan memory}, {@link dev.hwplan.memory.InferenceMemory#maxSequences}) is computed
   * against: a TP line stays under it exactly up to that many sequences. A second, grey line marks
   * the GPU's full capacity.
   *
   * @param tps tensor-parallel degrees, each valid for the model (pipeline parallel 1)
   * @param sequences concurrent sequences, each positive
   * @param gpuMemUtil the fraction of GPU memory the engine may use, in (0, 1] (vLLM: 0.9)
   */
  public static XYChart memoryVsSequences(
      ModelSpec model,
      GpuProfile gpu,
      List<Integer> tps,
      WeightDtype weights,
      KvCacheCalculator.Options kv,
      long context,
      List<Long> sequences,
      double gpuMemUtil) {
    if (tps.isEmpty() || sequences.isEmpty()) {
      throw new IllegalArgumentException("need at least one TP degree and one sequence count");
    }
    XYChart chart =
        ChartStyle.logLog(
            String.format(
                Locale.ROOT,
                "%s on %s: memory per GPU, %s weights, %s KV cache",
                model.id(),
                gpu.id(),
                weights.key(),
                kv.dtype().key()),
            String.format(Locale.ROOT, "concurrent sequences of %,d tokens (log scale)", context),
            "weights + activations + reserve + KV (GiB/GPU, log scale)");
    double[] x = sequences.stream().mapToDouble(Long::doubleValue).toArray();
    long usable = 0;
    for (int i = 0; i < tps.size(); i++) {
      Parallelism par = Parallelism.of(tps.get(i), 1);
      InferenceMemory m =
          InferenceMemoryCalculator.compute(
              new InferenceMemoryCalculator.Request(
                  model,
                  gpu,
                  par,
                  weights,
                  kv,
                  context,
                  gpuMemUtil,
                  InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
                  InferenceMemoryCalculator.DEFAULT_MAX_BATCHED_TOKENS));
      usable = m.usableBytes();
      long fixed = m.weightBytes() + m.activationBytes() + m.reserveBytes();
      double[] y = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        long kvBytes =
            KvCacheCalculator.compute(model, context, sequences.get(j), kv, par).perGpuBytes();
        y[j] = ChartStyle.gib(fixed + kvBytes);
      }
      String name =
          String.format(
              Locale.ROOT,
              "TP=%d (weights %.1f GiB/GPU, fits %s)",
              par.tp(),
              ChartStyle.gib(m.weightBytes()),
              m.fits() ? String.format(Locale.ROOT, "%,d", m.maxSequences()) : "none");
      ChartStyle.slot(chart.addSeries(name, x, y), i);
    }
    double[] ends = {x[0], x[x.length - 1]};
    double use = ChartStyle.gib(usable);
    double mem = ChartStyle.gib(gpu.memoryBytes());
    ChartStyle.limit(
        chart.addSeries(
            String.format(
                Locale.ROOT,
                "usable: %.0f%% of %s memory (%.1f GiB)",
                100 * gpuMemUtil,
                gpu.id(),
                use),
            ends,
            new double[] {use, use}));
    ChartStyle.reference(
        chart.addSeries(
            String.format(Locale.ROOT, "%s capacity (%.0f GiB)", gpu.id(), mem),
            ends,
            new double[] {mem, mem}));
    return chart;
  }

  /**
   * {@link #memoryVsSequences} with bf16 KV in 16-token blocks over {@link #DEFAULT_SEQUENCES} at
   * {@link #DEFAULT_GPU_MEM_UTIL}.
   */
  public static XYChart memoryVsSequences(
      ModelSpec model, GpuProfile gpu, List<Integer> tps, WeightDtype weights, long context) {
    return memoryVsSequences(
        model,
        gpu,
        tps,
        weights,
        KvCacheCalculator.Options.defaults(),
        context,
        DEFAULT_SEQUENCES,
        DEFAULT_GPU_MEM_UTIL);
  }
}
