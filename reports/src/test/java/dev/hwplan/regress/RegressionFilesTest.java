package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class RegressionFilesTest {
  @Test
  void theRegressedPointHasItsOwnSeriesAndMarker() {
    List<RunRecord> h = SyntheticRuns.kvHistory();
    RunRecord slow = SyntheticRuns.kvRun(1.3e-6, 7);
    Comparison c = RegressionDetectorTest.DEFAULTS.compare(h, slow);
    XYChart chart = TrendChart.of(h, slow, c.metrics().get(0), c.settings());
    assertThat(chart.getSeries(TrendChart.VALUES)).isNotNull();
    assertThat(chart.getSeries(TrendChart.REGRESSED)).isNotNull();
    assertThat(chart.getSeries(TrendChart.REGRESSED).getXData()).containsExactly(13.0);
    assertThat(chart.getSeries(TrendChart.REGRESSED).getMarker())
        .isSameAs(org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND);
    assertThat(chart.getSeries(TrendChart.VALUES).getXData()).hasSize(13);
  }

  @Test
  void writesTheReportChartsAndExports(@TempDir Path dir) throws Exception {
    List<RunRecord> h = SyntheticRuns.kvHistory();
    RunRecord slow = SyntheticRuns.kvRun(1.3e-6, 7);
    Comparison c = RegressionDetectorTest.DEFAULTS.compare(h, slow);
    List<Path> files = RegressionFiles.write(dir, h, c, true, "h.jsonl");
    Path svg = dir.resolve("report/charts/trend-kv.calculator.svg");
    assertThat(files).contains(svg, dir.resolve("bencher.bmf.json"));
    assertThat(Files.readString(svg)).contains("<svg");
    // The regressed point and its note are drawn in the regression red, and nothing else is.
    Path png = dir.resolve("report/charts/trend-kv.calculator.png");
    assertThat(redPixels(png)).isGreaterThan(50);
    assertThat(Files.readString(dir.resolve("report/report.md")))
        .contains("1 metric regressed", "kv.calculator", "trend-kv.calculator.png");
    assertThat(Files.readString(dir.resolve("report/index.html"))).contains("regressed");
    assertThat(dir.resolve("github-action-benchmark.customSmallerIsBetter.json")).exists();
    // Written again, the report is replaced whole.
    RegressionFiles.write(dir, h, c, true, "h.jsonl");
    assertThat(svg).exists();
  }

  @Test
  void anUnchangedRunHasNoRedOnItsChart(@TempDir Path dir) throws Exception {
    List<RunRecord> h = SyntheticRuns.kvHistory();
    RunRecord same = SyntheticRuns.kvRun(1e-6, 7);
    Comparison c = RegressionDetectorTest.DEFAULTS.compare(h, same);
    RegressionFiles.write(dir, h, c, true, "h.jsonl");
    assertThat(redPixels(dir.resolve("report/charts/trend-kv.calculator.png"))).isZero();
    assertThat(Files.readString(dir.resolve("report/report.md"))).contains("No metric regressed");
  }

  /** Pixels of (nearly) {@link TrendChart#RED}. */
  static long redPixels(Path png) throws Exception {
    BufferedImage img = ImageIO.read(png.toFile());
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.abs(r - 0xc0) < 12 && Math.abs(g - 0x1b) < 12 && Math.abs(b - 0x1b) < 12) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void chartIdsAreLowerCaseAndDistinct() {
    assertThat(TrendChart.chartId("kv.calculator")).isEqualTo("trend-kv.calculator");
    assertThat(TrendChart.chartId("model.hfConfig.parse")).isEqualTo("trend-model.hfconfig.parse");
    Comparison c =
        new Comparison(
            SyntheticRuns.history("a", 1, 1, 1).get(0),
            0,
            RegressionSettings.defaults(),
            List.of(metric("model.hfConfig.parse"), metric("model.hfconfig.parse")));
    assertThat(RegressionReport.chartIds(c))
        .containsExactly("trend-model.hfconfig.parse", "trend-model.hfconfig.parse-2");
  }

  private static MetricComparison metric(String name) {
    return MetricComparison.withoutBaseline(
        new BenchmarkResult(name, "seconds", Direction.SMALLER_IS_BETTER, 1));
  }
}
