package dev.hwplan.report.charts;

import static dev.hwplan.report.charts.KvChartsTest.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class MemoryChartsTest {
  private static final ModelSpec LLAMA70 = ModelCatalog.resolve("llama-3.1-70b");
  private static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");

  @Test
  void llama31_70b_tp8_addsOneAndAQuarterGiBPer32kSequence() {
    XYChart chart =
        MemoryCharts.memoryVsSequences(LLAMA70, H100, List.of(2, 4, 8), WeightDtype.FP8, 32_768);
    assertThat(chart.getSeriesCollection()).hasSize(4);
    XYSeries tp8 = series(chart, "TP=8");
    double weights =
        ChartStyle.gib(
            InferenceMemoryCalculator.weightBytesPerGpu(
                LLAMA70, Parallelism.of(8, 1), WeightDtype.FP8));
    // 327,680 B/token over 8 ranks = 40 KiB a token; 32k tokens = 1.25 GiB a sequence.
    double[] x = tp8.getXData();
    double[] y = tp8.getYData();
    for (int i = 0; i < x.length; i++) {
      assertThat(y[i]).isCloseTo(weights + 1.25 * x[i], within(1e-9));
    }
    InferenceMemory m =
        InferenceMemoryCalculator.compute(
            new InferenceMemoryCalculator.Request(
                LLAMA70,
                H100,
                Parallelism.of(8, 1),
                WeightDtype.FP8,
                KvCacheCalculator.Options.defaults(),
                32_768,
                0.9,
                InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
                InferenceMemoryCalculator.DEFAULT_MAX_BATCHED_TOKENS));
    assertThat(ChartStyle.gib(m.bytesPerSequence())).isEqualTo(1.25);
    assertThat(ChartStyle.gib(m.weightBytes())).isCloseTo(weights, within(1e-12));
    assertThat(series(chart, "h100-sxm memory").getYData()).containsOnly(80.0);
  }

  @Test
  void fewerRanksHoldMoreWeightsPerGpu() {
    XYChart chart =
        MemoryCharts.memoryVsSequences(LLAMA70, H100, List.of(2, 4, 8), WeightDtype.BF16, 8192);
    assertThat(series(chart, "TP=2").getYData()[0])
        .isGreaterThan(series(chart, "TP=4").getYData()[0]);
    assertThat(series(chart, "TP=4").getYData()[0])
        .isGreaterThan(series(chart, "TP=8").getYData()[0]);
    assertThat(chart.getYAxisTitle()).contains("GiB");
  }
}
