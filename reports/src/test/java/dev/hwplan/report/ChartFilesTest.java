package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartFilesTest {
  @TempDir Path tmp;

  @Test
  void sameChartGivesByteIdenticalPngAndSvg() throws Exception {
    ChartFiles.png(SampleReports.line("t"), tmp.resolve("a.png"));
    ChartFiles.png(SampleReports.line("t"), tmp.resolve("b.png"));
    ChartFiles.svg(SampleReports.line("t"), tmp.resolve("a.svg"));
    ChartFiles.svg(SampleReports.line("t"), tmp.resolve("b.svg"));
    assertThat(Files.readAllBytes(tmp.resolve("a.png")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("b.png")));
    assertThat(Files.readAllBytes(tmp.resolve("a.svg")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("b.svg")));
  }

  @Test
  void clipIdsAreNumberedInOrderOfAppearance() {
    assertThat(
            ChartFiles.renumberClips(
                "<clipPath id=\"clip-77\"/><clipPath id=\"clip5\"/>"
                    + " clip-path=\"url(#clip5)\" clip-path=\"url(#clip-77)\" clipboard"))
        .isEqualTo(
            "<clipPath id=\"clip1\"/><clipPath id=\"clip2\"/>"
                + " clip-path=\"url(#clip2)\" clip-path=\"url(#clip1)\" clipboard");
  }

  @Test
  void pngHasNoTimeOrTextChunks() {
    byte[] png = ChartFiles.pngBytes(SampleReports.line("t"), 300, 200);
    String chunks = new String(png, StandardCharsets.ISO_8859_1);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(chunks).doesNotContain("tIME").doesNotContain("tEXt").doesNotContain("iTXt");
    // IHDR width and height, big-endian at bytes 16..23.
    assertThat(((png[18] & 0xff) << 8) | (png[19] & 0xff)).isEqualTo(300);
    assertThat(((png[22] & 0xff) << 8) | (png[23] & 0xff)).isEqualTo(200);
  }

  @Test
  void svgHasItsSizeAndNoComments() {
    String svg =
        new String(ChartFiles.svgBytes(SampleReports.line("t"), 640, 480), StandardCharsets.UTF_8);
    assertThat(svg).contains("viewBox=\"0 0 640 480\" width=\"640px\"").doesNotContain("<!--");
    assertThat(svg).contains("<clipPath id=\"clip1\">").contains("url(#clip1)");
  }
}
