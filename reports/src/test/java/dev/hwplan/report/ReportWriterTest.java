package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path tmp;

  @Test
  void writesHtmlMarkdownCsvPngAndSvg() throws Exception {
    WrittenReport w = ReportWriter.write(SampleReports.small(), tmp.resolve("out"));
    assertThat(w.files())
        .containsExactly(
            Path.of("index.html"),
            Path.of("report.md"),
            Path.of("tables/gpus.csv"),
            Path.of("charts/kv-line.png"),
            Path.of("charts/kv-line.svg"),
            Path.of("charts/loss.png"),
            Path.of("charts/loss.svg"));
    for (Path f : w.absoluteFiles()) {
      assertThat(f).isNotEmptyFile();
    }
    assertThat(Files.readString(w.index())).contains("<nav class=\"toc\"");
  }
}
