package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.report.charts.ChartStyle;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class LogAxesTest {
  private static XYChart logLog(double[] x, double[] y) {
    XYChart c = ChartStyle.xy("t", "batch (sequences, log scale)", "TPOT (ms, log scale)");
    c.addSeries("s", x, y);
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    return c;
  }

  @Test
  void aRangeUnderAFactorOfThreeBecomesLinearAndLosesItsLogNote() {
    XYChart c = logLog(new double[] {1, 4, 16, 64}, new double[] {10.7, 10.9, 11.6, 16.85});
    LogAxes.makeReadable(c, 1000, 560);
    assertThat(c.getStyler().isYAxisLogarithmic()).isFalse();
    assertThat(c.getYAxisTitle()).isEqualTo("TPOT (ms)");
    // 1.8 decades over about 570 pixels: too tight for labels at 2..9, so powers of ten only.
    assertThat(c.getStyler().isXAxisLogarithmic()).isTrue();
    assertThat(c.getStyler().isXAxisLogarithmicDecadeOnly()).isTrue();
  }

  @Test
  void aboutADecadeGetsLabelsBetweenThePowersOfTen() {
    XYChart c = logLog(new double[] {1000, 4000, 9000}, new double[] {60, 180, 600});
    LogAxes.makeReadable(c, 1000, 560);
    assertThat(c.getStyler().isXAxisLogarithmic()).isTrue();
    assertThat(c.getStyler().isXAxisLogarithmicDecadeOnly()).isFalse();
    assertThat(c.getStyler().isYAxisLogarithmicDecadeOnly()).isFalse();
    assertThat(c.getYAxisTitle()).isEqualTo("TPOT (ms, log scale)");
  }

  @Test
  void manyDecadesStayAsTheyAre() {
    XYChart c = logLog(new double[] {1e8, 1e13}, new double[] {1e9, 1e15});
    LogAxes.makeReadable(c, 1000, 560);
    assertThat(c.getStyler().isXAxisLogarithmicDecadeOnly()).isTrue();
    assertThat(c.getStyler().isYAxisLogarithmicDecadeOnly()).isTrue();
    assertThat(c.getStyler().isYAxisLogarithmic()).isTrue();
  }

  @Test
  void labelsAreShort() {
    assertThat(LogAxes.label(2000.0)).isEqualTo("2000");
    assertThat(LogAxes.label(20_000.0)).isEqualTo("20k");
    assertThat(LogAxes.label(3e6)).isEqualTo("3M");
    assertThat(LogAxes.label(1e9)).isEqualTo("1G");
    assertThat(LogAxes.label(0.05)).isEqualTo("0.05");
    assertThat(LogAxes.label(300.0)).isEqualTo("300");
    assertThat(LogAxes.label(16.5)).isEqualTo("16.5");
  }

  @Test
  void logNotesAreRemovedInEveryForm() {
    assertThat(LogAxes.withoutLogNote("TTFT (ms, log scale)")).isEqualTo("TTFT (ms)");
    assertThat(LogAxes.withoutLogNote("tokens (log scale)")).isEqualTo("tokens");
    assertThat(LogAxes.withoutLogNote("x (log scale, GiB)")).isEqualTo("x (GiB)");
  }
}
