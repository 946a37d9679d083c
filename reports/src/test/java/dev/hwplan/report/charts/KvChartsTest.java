package dev.hwplan.report.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class KvChartsTest {
  private static final ModelSpec LLAMA70 = ModelCatalog.resolve("llama-3.1-70b");
  private static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");

  @Test
  void llama31_70b_gqaLineReaches40GiBAt128kTokens() {
    assertThat(KvCacheCalculator.bytesPerToken(LLAMA70)).isEqualTo(327_680);
    XYChart chart = KvCharts.kvVsContext(LLAMA70, H100);
    XYSeries gqa = series(chart, "GQA(8) (this model)");
    assertThat(gqa.getXData()[gqa.getXData().length - 1]).isEqualTo(131_072.0);
    assertThat(gqa.getYData()[gqa.getYData().length - 1]).isEqualTo(40.0);
    assertThat(gqa.getName()).contains("320.0 KiB/token");
  }

  @Test
  void fourDesignsAndTheGpuMemoryLine() {
    XYChart chart = KvCharts.kvVsContext(LLAMA70, H100);
    assertThat(names(chart))
        .hasSize(5)
        .anyMatch(n -> n.startsWith("MHA"))
        .anyMatch(n -> n.startsWith("GQA(8)"))
        .anyMatch(n -> n.startsWith("MQA"))
        .anyMatch(n -> n.startsWith("MLA(d_c=512, d_R=64)"))
        .contains("h100-sxm memory (80 GiB)");
    // 64 query heads: MHA caches 8x GQA(8); MQA 1/8 of it; MLA 576 of GQA's 2,048 elements.
    assertThat(last(series(chart, "MHA"))).isEqualTo(320.0);
    assertThat(last(series(chart, "MQA"))).isEqualTo(5.0);
    assertThat(last(series(chart, "MLA"))).isCloseTo(40.0 * 576 / 2048, within(1e-12));
    XYSeries mem = series(chart, "h100-sxm memory");
    assertThat(mem.getYData()).containsOnly(80.0);
    assertThat(chart.getStyler().isXAxisLogarithmic()).isTrue();
    assertThat(chart.getYAxisTitle()).contains("GiB");
    assertThat(chart.getXAxisTitle()).contains("tokens");
  }

  @Test
  void deepseekV3_mlaIsItsOwnDesign() {
    ModelSpec v3 = ModelCatalog.resolve("deepseek-v3");
    XYChart chart =
        KvCharts.kvVsContext(
            v3, ProfileCatalog.bundled().get("h200-sxm"), List.of(4096L, 131072L), 1, KvDtype.BF16);
    XYSeries mla = series(chart, "MLA");
    assertThat(mla.getName()).contains("(this model)");
    assertThat(last(mla) * (1L << 30))
        .isEqualTo(
            (double)
                KvCacheCalculator.compute(v3, 131072, 1, KvCacheCalculator.Options.defaults())
                    .totalBytes());
  }

  static XYSeries series(XYChart chart, String prefix) {
    return chart.getSeriesCollection().stream()
        .filter(s -> s.getName().startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + prefix + " in " + names(chart)));
  }

  static List<String> names(XYChart chart) {
    return chart.getSeriesCollection().stream().map(XYSeries::getName).toList();
  }

  static double last(XYSeries s) {
    return s.getYData()[s.getYData().length - 1];
  }
}
