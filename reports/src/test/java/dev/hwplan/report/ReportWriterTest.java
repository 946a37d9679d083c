package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.Staging;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

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
    List<String> expected = new ArrayList<>(w.files().stream().map(Path::toString).toList());
    expected.add(ReportFolder.MARKER);
    assertThat(tree(tmp.resolve("out")).keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(Files.readString(tmp.resolve("out").resolve(ReportFolder.MARKER)))
        .isEqualTo("{\"tool\":\"hwplan\",\"version\":\"0.1.0-SNAPSHOT\"}\n");
    for (Path f : w.absoluteFiles()) {
      assertThat(f).isNotEmptyFile();
    }
    assertThat(Files.readAllBytes(tmp.resolve("out/charts/loss.png")))
        .startsWith(0x89, 'P', 'N', 'G');
    assertThat(Files.readString(tmp.resolve("out/charts/loss.svg"))).contains("<svg");
  }

  @Test
  void htmlIsSelfContainedWithContentsMetaAndRightAlignedNumbers() throws Exception {
    WrittenReport w = ReportWriter.write(SampleReports.small(), tmp.resolve("out"));
    String html = Files.readString(w.index());
    assertThat(html)
        .contains("<meta name=\"viewport\"")
        .contains("@media print")
        .contains("@media (max-width: 600px)")
        .contains("<a href=\"#memory\">Memory</a>")
        .contains("<a href=\"#scaling\">Scaling</a>")
        .contains("<section id=\"memory\">")
        .contains("<dt>hwplan</dt><dd>0.1.0-SNAPSHOT</dd>")
        .contains("<dt>date</dt><dd>2026-01-02</dd>")
        .contains("<th scope=\"col\">gpu</th><th class=\"num\" scope=\"col\">memory GiB</th>")
        .contains("<td>h200-sxm, &quot;NVL&quot;</td><td class=\"num\">141</td>")
        .contains("<td class=\"word\">h100-sxm</td>")
        .contains("KV cache is <strong>large</strong>; see <code>hwplan kv</code>.")
        .contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
    // Two figures, each an embedded SVG; nothing is fetched from anywhere.
    assertThat(count(html, "<figure class=\"chart\"")).isEqualTo(2);
    assertThat(count(html, "src=\"data:image/svg+xml;base64,")).isEqualTo(2);
    assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http");
    assertThat(html).doesNotContain("<script").doesNotContain("<link");
    // The first chart is drawn at the size it was given, the second at the default.
    assertThat(html).contains("width=\"640\" height=\"400\"");
    assertThat(html).contains("width=\"1000\" height=\"560\"");
  }

  @Test
  void csvHoldsUnformattedValuesWithQuoting() throws Exception {
    ReportWriter.write(SampleReports.small(), tmp.resolve("out"));
    assertThat(Files.readString(tmp.resolve("out/tables/gpus.csv")))
        .isEqualTo(
            "gpu,memory GiB,bandwidth TB/s\n"
                + "h100-sxm,80,3.35\n"
                + "\"h200-sxm, \"\"NVL\"\"\",141,4.8\n");
  }

  @Test
  void csvKeepsFullPrecisionWhereTheTableShowsFewDigits() throws Exception {
    ReportWriter.write(ChartGallery.report(), tmp.resolve("out"));
    String csv = Files.readString(tmp.resolve("out/tables/kv-designs.csv"));
    assertThat(csv.lines().findFirst().orElseThrow())
        .isEqualTo(
            "design,KV heads,bytes/token,GiB at 131,072 tokens"
                .replace("GiB at 131,072 tokens", "\"GiB at 131,072 tokens\""));
    assertThat(csv).contains("GQA(8),8,327680,40.0\n");
    String md = Files.readString(tmp.resolve("out/report.md"));
    assertThat(md).contains("| GQA(8) | 8 | 327,680 | 40.00 |");
  }

  @Test
  void markdownLinksEveryChartAndTableThatWasWritten() throws Exception {
    WrittenReport w = ReportWriter.write(ChartGallery.report(), tmp.resolve("out"));
    String md = Files.readString(w.markdown());
    List<String> links = new ArrayList<>();
    Matcher m = Pattern.compile("\\]\\(([^)#][^)]*)\\)").matcher(md);
    while (m.find()) {
      links.add(m.group(1));
    }
    assertThat(links).isNotEmpty();
    for (String link : links) {
      assertThat(tmp.resolve("out").resolve(link)).as(link).isRegularFile();
    }
    List<String> pngs =
        w.files().stream().map(Path::toString).filter(f -> f.endsWith(".png")).toList();
    assertThat(pngs).hasSize(7);
    for (String png : pngs) {
      assertThat(md).contains("](" + png + ")");
    }
    assertThat(md).contains("| design | KV heads | bytes/token | GiB at 131,072 tokens |");
    assertThat(md).contains("| --- | ---: | ---: | ---: |");
    assertThat(md).contains("1. [KV cache by attention design](#kv)");
  }

  @Test
  void longCamelCaseHeadersMayBreakBetweenTheirWordsAndUnitsStayWhole() {
    assertThat(HtmlReport.header("kvBudgetGiBPerGpu"))
        .isEqualTo("kvBudget<wbr>GiB<wbr>Per<wbr>Gpu");
    assertThat(HtmlReport.header("maxSequences")).isEqualTo("max<wbr>Sequences");
    assertThat(HtmlReport.header("ttftMs")).isEqualTo("ttft<wbr>Ms");
    assertThat(HtmlReport.header("achievedGBps")).isEqualTo("achieved<wbr>GBps");
    assertThat(HtmlReport.header("memory GiB")).isEqualTo("memory GiB");
    assertThat(HtmlReport.header("tp")).isEqualTo("tp");
    assertThat(HtmlReport.header("x<abcTest")).isEqualTo("x&lt;abc<wbr>Test");
    assertThat(HtmlReport.header("x<abTest")).isEqualTo("x&lt;abTest");
  }

  @Test
  void writingTheSameReportTwiceGivesIdenticalBytes() throws Exception {
    Report report = ChartGallery.report();
    ReportWriter.write(report, tmp.resolve("a"));
    ReportWriter.write(report, tmp.resolve("b"));
    assertSameFiles(tmp.resolve("a"), tmp.resolve("b"), 1 + 2 + 4 + 7 * 2);
  }

  @Test
  void rebuildingAReportFromTheSameInputsGivesIdenticalBytes() throws Exception {
    // Inputs without the bootstrap fit, whose last bits may depend on the JIT (see
    // ChartGallery): the writer and the chart builders must add no variation of their own.
    ReportWriter.write(SampleReports.small(), tmp.resolve("a"));
    ReportWriter.write(SampleReports.small(), tmp.resolve("b"));
    assertSameFiles(tmp.resolve("a"), tmp.resolve("b"), 1 + 7);
  }

  private static void assertSameFiles(Path x, Path y, int files) throws IOException {
    Map<String, byte[]> a = tree(x);
    Map<String, byte[]> b = tree(y);
    assertThat(a.keySet()).isEqualTo(b.keySet()).hasSize(files);
    for (String f : a.keySet()) {
      assertThat(b.get(f)).as(f).isEqualTo(a.get(f));
    }
  }

  @Test
  void replacesAnEarlierReportAndLeavesNoStagingFolders() throws Exception {
    Path out = tmp.resolve("out");
    ReportWriter.write(SampleReports.small(), out);
    Report other =
        Report.builder("Other").section(Section.builder("only", "Only").text("hi").build()).build();
    WrittenReport w = ReportWriter.write(other, out);
    assertThat(w.files()).containsExactly(Path.of("index.html"), Path.of("report.md"));
    assertThat(tree(out).keySet())
        .containsExactlyInAnyOrder(ReportFolder.MARKER, "index.html", "report.md");
    assertThat(Files.readString(out.resolve("report.md"))).startsWith("# Other\n");
    assertTmpHoldsOnly("out");
  }

  @Test
  void aFailureMidWriteLeavesTheOldReportIntact() throws Exception {
    Path out = tmp.resolve("out");
    ReportWriter.write(SampleReports.small(), out);
    Map<String, byte[]> before = tree(out);
    XYChart broken =
        new XYChart(400, 300) {
          @Override
          public void paint(Graphics2D g, int width, int height) {
            throw new IllegalStateException("chart cannot be drawn");
          }
        };
    Report failing =
        Report.builder("Failing")
            .section(
                Section.builder("s", "S")
                    .table("t", "a table written before the failure", SampleReports.gpus())
                    .chart(ReportChart.of("good", "good", SampleReports.line("good")))
                    .chart(ReportChart.of("broken", "broken", broken))
                    .build())
            .build();
    assertThatThrownBy(() -> ReportWriter.write(failing, out))
        .hasMessageContaining("chart cannot be drawn");
    Map<String, byte[]> after = tree(out);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String f : before.keySet()) {
      assertThat(after.get(f)).as(f).isEqualTo(before.get(f));
    }
    assertTmpHoldsOnly("out");
  }

  @Test
  void refusesAFolderOfTheUsersOwnEvenWhenItsNamesLookLikeAReport() throws Exception {
    // The case: a web site whose entries are all names a report uses.
    Path site = tmp.resolve("site");
    Files.createDirectories(site.resolve("tables"));
    Files.writeString(site.resolve("index.html"), "<html>home</html>\n");
    Files.writeString(site.resolve("tables/budget.csv"), "keep\n");
    Map<String, byte[]> before = tree(site);
    assertThatThrownBy(() -> ReportWriter.write(SampleReports.small(), site))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not written by hwplan (no .hwplan-report marker)");
    assertThatThrownBy(() -> ReportFolder.check(site))
        .hasMessageContaining("not written by hwplan (no .hwplan-report marker)");
    Map<String, byte[]> after = tree(site);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    assertThat(after.get("tables/budget.csv")).isEqualTo("keep\n".getBytes());
    assertThat(after.get("index.html")).isEqualTo("<html>home</html>\n".getBytes());
    assertTmpHoldsOnly("site");
  }

  @Test
  void refusesAReportWrittenBeforeTheMarkerExisted() throws Exception {
    Path out = tmp.resolve("out");
    ReportWriter.write(SampleReports.small(), out);
    Files.delete(out.resolve(ReportFolder.MARKER)); // what an older hwplan left
    assertThatThrownBy(() -> ReportWriter.write(SampleReports.small(), out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no .hwplan-report marker");
    assertThat(out.resolve("index.html")).isRegularFile();
  }

  @Test
  void refusesAFileAndAFolderUnderAFile() throws Exception {
    Path file = tmp.resolve("file");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> ReportWriter.write(SampleReports.small(), file))
        .hasMessageContaining("is a file, not a folder");
    assertThatThrownBy(() -> ReportWriter.write(SampleReports.small(), file.resolve("out")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file + " is a file, not a folder");
    assertThat(file).hasContent("x");
  }

  @Test
  void newFoldersAndFilesFollowTheUmaskAndAReplacedFolderKeepsItsMode() throws Exception {
    // What ordinary creation gives here (the umask applied), rather than a hard-coded 0644.
    Path controlDir = Files.createDirectory(tmp.resolve("control-dir"));
    Path controlFile = Files.createFile(tmp.resolve("control-file"));
    Path out = tmp.resolve("out");
    ReportWriter.write(SampleReports.small(), out);
    assertThat(mode(out)).isEqualTo(mode(controlDir));
    assertThat(mode(out.resolve("charts"))).isEqualTo(mode(controlDir));
    for (String f : List.of("index.html", "report.md", "tables/gpus.csv", "charts/loss.png")) {
      assertThat(mode(out.resolve(f))).as(f).isEqualTo(mode(controlFile));
    }
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-x---"));
    ReportWriter.write(SampleReports.small(), out);
    assertThat(mode(out)).isEqualTo("rwxr-x---");
  }

  @Test
  void aSymbolicLinkToAReportFolderStaysALink() throws Exception {
    Path real = tmp.resolve("real");
    ReportWriter.write(SampleReports.small(), real);
    Path link = Files.createSymbolicLink(tmp.resolve("site"), real);
    Report other =
        Report.builder("Other").section(Section.builder("only", "Only").text("hi").build()).build();
    ReportWriter.write(other, link);
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real.resolve("report.md"))).startsWith("# Other\n");
  }

  @Test
  void removesWhatAKilledRunLeftAndKeepsEverythingElse() throws Exception {
    // A running process's staging folder (this one's), and one of a process that has ended (pid
    // 0 is never hwplan's), on this host: <prefix><host>-<pid>-<start>-<random>.
    Path running = Staging.newDirectory(tmp);
    String host = running.getFileName().toString().substring(Staging.PREFIX.length()).split("-")[0];
    Path killed = Files.createDirectories(tmp.resolve(Staging.PREFIX + host + "-0-0-k1/charts"));
    Files.write(killed.resolve("big.png"), new byte[1 << 16]);
    Path hidden = Files.createDirectory(tmp.resolve(".cache"));
    ReportWriter.write(SampleReports.small(), tmp.resolve("out"));
    assertThat(killed.getParent()).doesNotExist();
    assertThat(running).isDirectory();
    assertThat(hidden).isDirectory();
  }

  @Test
  void writesIntoAnEmptyFolder() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("empty"));
    ReportWriter.write(SampleReports.small(), out);
    assertThat(out.resolve("index.html")).isRegularFile();
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /** Relative path to bytes, for every file under {@code dir}. */
  static Map<String, byte[]> tree(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** The temporary folder holds {@code name} and nothing else (no staging or backup left over). */
  private void assertTmpHoldsOnly(String name) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(name);
    }
  }
}
