package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.w3c.dom.Document;

class SvgMinifierTest {
  private static final Pattern COMMAND = Pattern.compile("([mlqchvz])([^mlqchvz]*)");
  private static final Pattern NUMBER =
      Pattern.compile("-?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?");

  @Test
  void numbersAreShortest() {
    assertThat(SvgMinifier.number(0)).isEqualTo("0");
    assertThat(SvgMinifier.number(150)).isEqualTo("1.5");
    assertThat(SvgMinifier.number(-5)).isEqualTo("-.05");
    assertThat(SvgMinifier.number(1234)).isEqualTo("12.34");
    assertThat(SvgMinifier.number(-100)).isEqualTo("-1");
    assertThat(SvgMinifier.number(7)).isEqualTo(".07");
    assertThat(SvgMinifier.number(70)).isEqualTo(".7");
  }

  @Test
  void pathBecomesRelative() {
    assertThat(
            SvgMinifier.path("M1.484375,-1 L3.421875,-1 L3.421875,-7.671875 Z M10,10 Q11,12 13,10"))
        .isEqualTo("m1.48-1h1.94v-6.67zm8.52,11q1,2 3,0".replace(" ", ","));
  }

  /** Every point of the rewritten path lies within 1/200 pixel of the original point. */
  @Property(tries = 300, seed = "20261122")
  void everyPointStaysWithinHalfAHundredth(@ForAll("paths") String d) {
    List<double[]> original = absolutePoints(d, false);
    List<double[]> rewritten = absolutePoints(SvgMinifier.path(d), true);
    assertThat(rewritten).hasSameSizeAs(original);
    for (int i = 0; i < original.size(); i++) {
      assertThat(rewritten.get(i)[0]).isCloseTo(original.get(i)[0], within(0.005 + 1e-9));
      assertThat(rewritten.get(i)[1]).isCloseTo(original.get(i)[1], within(0.005 + 1e-9));
    }
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> coord =
        Arbitraries.doubles()
            .between(-2000, 2000)
            .ofScale(10)
            .map(v -> v == 0 ? "-0.0" : Double.toString(v));
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            coord.list().ofSize(2).map(c -> "L" + c.get(0) + "," + c.get(1)),
            coord.list().ofSize(4).map(c -> "Q" + String.join(",", c).replaceFirst(",", ",")),
            coord.list().ofSize(6).map(c -> "C" + String.join(",", c)),
            Arbitraries.just("Z"));
    return coord
        .list()
        .ofSize(2)
        .flatMap(
            start ->
                segment
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(30)
                    .map(
                        segs ->
                            "M"
                                + start.get(0)
                                + ","
                                + start.get(1)
                                + " "
                                + String.join(" ", segs)));
  }

  @Test
  void chartSvgShrinksAndStaysWellFormed() throws Exception {
    XYChart chart = SampleReports.line("A title with several words to draw as outlines");
    String raw = new String(rawSvg(chart), StandardCharsets.UTF_8);
    String small = SvgMinifier.minify(raw);
    assertThat(small.length()).isLessThan(raw.length() * 2 / 5);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document a =
        f.newDocumentBuilder()
            .parse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    Document b =
        f.newDocumentBuilder()
            .parse(new ByteArrayInputStream(small.getBytes(StandardCharsets.UTF_8)));
    assertThat(b.getElementsByTagName("path").getLength())
        .isEqualTo(a.getElementsByTagName("path").getLength())
        .isPositive();
    assertThat(SvgMinifier.minify(small)).isEqualTo(small);
  }

  private static byte[] rawSvg(XYChart chart) {
    de.erichseifert.vectorgraphics2d.VectorGraphics2D g =
        new de.erichseifert.vectorgraphics2d.VectorGraphics2D();
    chart.paint(g, 640, 480);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      new de.erichseifert.vectorgraphics2d.svg.SVGProcessor()
          .getDocument(
              g.getCommands(), new de.erichseifert.vectorgraphics2d.util.PageSize(0, 0, 640, 480))
          .writeTo(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The absolute end and control points of a path, in order. */
  private static List<double[]> absolutePoints(String d, boolean relative) {
    List<double[]> points = new ArrayList<>();
    double x = 0;
    double y = 0;
    double sx = 0;
    double sy = 0;
    Matcher m = COMMAND.matcher(relative ? d : d.toLowerCase());
    while (m.find()) {
      char c = m.group(1).charAt(0);
      List<Double> v = new ArrayList<>();
      Matcher n = NUMBER.matcher(m.group(2));
      while (n.find()) {
        v.add(Double.parseDouble(n.group()));
      }
      double bx = relative ? x : 0;
      double by = relative ? y : 0;
      switch (c) {
        case 'z' -> {
          x = sx;
          y = sy;
          continue;
        }
        case 'h' -> {
          x = bx + v.get(0);
          points.add(new double[] {x, y});
          continue;
        }
        case 'v' -> {
          y = by + v.get(0);
          points.add(new double[] {x, y});
          continue;
        }
        default -> {}
      }
      for (int i = 0; i < v.size(); i += 2) {
        points.add(new double[] {bx + v.get(i), by + v.get(i + 1)});
      }
      x = bx + v.get(v.size() - 2);
      y = by + v.get(v.size() - 1);
      if (c == 'm') {
        sx = x;
        sy = y;
      }
    }
    return points;
  }
}
