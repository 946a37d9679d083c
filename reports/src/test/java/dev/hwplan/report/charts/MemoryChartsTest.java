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
    assertThat(chart.getSeriesCollection()).hasSize(5); // three TP lines, usable, capacity
    XYSeries tp8 = series(chart, "TP=8");
    InferenceMemory m = memory(8, WeightDtype.FP8, 32_768, 0.9);
    double fixed = ChartStyle.gib(m.weightBytes() + m.activationBytes() + m.reserveBytes());
    // 327,680 B/token over 8 ranks = 40 KiB a token; 32k tokens = 1.25 GiB a sequence.
    assertThat(ChartStyle.gib(m.bytesPerSequence())).isEqualTo(1.25);
    double[] x = tp8.getXData();
    double[] y = tp8.getYData();
    for (int i = 0; i < x.length; i++) {
      assertThat(y[i]).isCloseTo(fixed + 1.25 * x[i], within(1e-9));
    }
    assertThat(series(chart, "h100-sxm capacity").getYData()).containsOnly(80.0);
  }

  @Test
  void theHorizontalLineIsTheUsableMemoryThatTheSequencesThatFitAreCountedAgainst() {
    for (double util : new double[] {0.9, 0.8}) {
      List<Long> sequences = List.of(1L, 4L, 16L, 32L, 48L, 56L, 64L, 128L);
      XYChart chart =
          MemoryCharts.memoryVsSequences(
              LLAMA70,
              H100,
              List.of(2, 4, 8),
              WeightDtype.FP8,
              KvCacheCalculator.Options.defaults(),
              32_768,
              sequences,
              util);
      XYSeries usable = series(chart, "usable");
      double expected = ChartStyle.gib(Math.floor(H100.memoryBytes() * util));
      assertThat(usable.getYData()).containsOnly(expected);
      assertThat(expected).isLessThan(80.0);
      assertThat(usable.getName())
          .isEqualTo(
              String.format(
                  java.util.Locale.ROOT,
                  "usable: %.0f%% of h100-sxm memory (%.1f GiB)",
                  100 * util,
                  expected));
      // A TP line is at or under the usable line exactly up to the answer of `hwplan memory`.
      for (int tp : List.of(2, 4, 8)) {
        InferenceMemory m = memory(tp, WeightDtype.FP8, 32_768, util);
        XYSeries line = series(chart, "TP=" + tp + " ");
        assertThat(line.getName()).contains("fits " + m.maxSequences());
        for (int i = 0; i < sequences.size(); i++) {
          assertThat(line.getYData()[i] <= expected)
              .as("TP=%d, %d sequences, %d fit", tp, sequences.get(i), m.maxSequences())
              .isEqualTo(sequences.get(i) <= m.maxSequences());
        }
      }
    }
  }

  private static InferenceMemory memory(int tp, WeightDtype w, long context, double util) {
    return InferenceMemoryCalculator.compute(
        new InferenceMemoryCalculator.Request(
            LLAMA70,
            H100,
            Parallelism.of(tp, 1),
            w,
            KvCacheCalculator.Options.defaults(),
            context,
            util,
            InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
            InferenceMemoryCalculator.DEFAULT_MAX_BATCHED_TOKENS));
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
