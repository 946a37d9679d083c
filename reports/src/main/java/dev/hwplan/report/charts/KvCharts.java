package dev.hwplan.report.charts;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.KvComparison;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/** KV-cache charts. */
public final class KvCharts {
  /** Contexts from 1k to 128k tokens in powers of two. */
  public static final List<Long> DEFAULT_CONTEXTS =
      List.of(1024L, 2048L, 4096L, 8192L, 16384L, 32768L, 65536L, 131072L);

  private KvCharts() {}

  /**
   * KV-cache memory against context for the model re-expressed as MHA, GQA, MQA and MLA ({@link
   * KvComparison#compare}, the DeepSeek-V2 paper's Table 1 design comparison; the model's own
   * design is marked "(this model)"), log-log, with the GPU's memory as a horizontal line. Bytes
   * are whole-model (no TP split), for {@code batch} sequences, windows applied.
   *
   * @param contexts tokens per sequence, each positive
   * @param batch sequences
   */
  public static XYChart kvVsContext(
      ModelSpec model, GpuProfile gpu, List<Long> contexts, long batch, KvDtype dtype) {
    if (contexts.isEmpty()) {
      throw new IllegalArgumentException("need at least one context length");
    }
    List<List<KvComparison.Row>> byContext = new ArrayList<>();
    for (long c : contexts) {
      byContext.add(KvComparison.compare(model, c, batch, dtype, 0, 0));
    }
    String seqs = batch == 1 ? "one sequence" : batch + " sequences";
    XYChart chart =
        ChartStyle.logLog(
            String.format(
                Locale.ROOT,
                "KV cache of %s by attention design (%s, %s KV)",
                model.id(),
                seqs,
                dtype.key()),
            "context (tokens, log scale)",
            "KV cache (GiB, log scale)");
    chart.getStyler().setXAxisDecimalPattern("#,###");
    double[] x = contexts.stream().mapToDouble(Long::doubleValue).toArray();
    int variants = byContext.get(0).size();
    for (int v = 0; v < variants; v++) {
      KvComparison.Row first = byContext.get(0).get(v);
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = ChartStyle.gib(byContext.get(i).get(v).totalBytes());
      }
      String name =
          String.format(
              Locale.ROOT,
              "%s%s: %s/token",
              first.variant(),
              first.native_() ? " (this model)" : "",
              bytes(first.bytesPerToken()));
      ChartStyle.slot(chart.addSeries(name, x, y), v);
    }
    double mem = ChartStyle.gib(gpu.memoryBytes());
    ChartStyle.limit(
        chart.addSeries(
            String.format(Locale.ROOT, "%s memory (%.0f GiB)", gpu.id(), mem),
            new double[] {x[0], x[x.length - 1]},
            new double[] {mem, mem}));
    return chart;
  }

  /** {@link #kvVsContext} for one sequence, bf16, over {@link #DEFAULT_CONTEXTS}. */
  public static XYChart kvVsContext(ModelSpec model, GpuProfile gpu) {
    return kvVsContext(model, gpu, DEFAULT_CONTEXTS, 1, KvDtype.BF16);
  }

  static String bytes(long b) {
    if (b >= 1L << 20) {
      return String.format(Locale.ROOT, "%.2f MiB", b / (double) (1L << 20));
    }
    if (b >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", b / (double) (1L << 10));
    }
    return b + " B";
  }
}
