package dev.hwplan.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Opens a report with every chart kind in headless Chromium (Debian's {@code chromium}; {@code
 * .ci/install-chromium} installs it), checks through the DOM that every chart rendered with a
 * non-zero size and that a narrow window does not scroll sideways, and takes screenshots into
 * {@code target/browser-test/}. Skipped, with the reason, where Chromium is not installed; run it
 * alone with {@code mvn -pl reports -am test -Dtest=ReportBrowserTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code -Dhwplan.chromium=PATH} picks another binary.
 */
@Tag("browser")
class ReportBrowserTest {
  private static final Path OUT = Path.of("target", "browser-test").toAbsolutePath();
  private static final Pattern PROBE =
      Pattern.compile("<pre id=\"hwplan-probe\">(.*?)</pre>", Pattern.DOTALL);

  /**
   * Runs after the load event, when every embedded image has decoded, and writes what it measured
   * into the DOM, where {@code --dump-dom} prints it.
   */
  private static final String PROBE_SCRIPT =
      """
      <script>
      window.addEventListener('load', function () {
        var lines = [];
        document.querySelectorAll('figure.chart').forEach(function (f) {
          var img = f.querySelector('img');
          var r = img.getBoundingClientRect();
          lines.push('chart ' + f.id + ' ' + img.naturalWidth + ' ' + img.naturalHeight + ' '
              + Math.round(r.width) + ' ' + Math.round(r.height));
        });
        document.querySelectorAll('.table-wrap').forEach(function (w) {
          var t = w.querySelector('table');
          lines.push('table ' + t.id + ' ' + Math.ceil(t.getBoundingClientRect().width) + ' '
              + w.scrollWidth + ' ' + w.clientWidth + ' ' + t.rows[0].cells.length);
        });
        lines.push('page ' + document.documentElement.scrollWidth + ' ' + window.innerWidth);
        var pre = document.createElement('pre');
        pre.id = 'hwplan-probe';
        pre.textContent = lines.join('\\n');
        document.body.appendChild(pre);
      });
      </script>
      """;

  private static Path chromium;
  private static WrittenReport written;
  private static int charts;

  @BeforeAll
  static void writeReport() throws IOException {
    chromium = Path.of(System.getProperty("hwplan.chromium", "/usr/bin/chromium"));
    Assumptions.assumeTrue(
        Files.isExecutable(chromium),
        "browser test skipped: no Chromium at "
            + chromium
            + " (install it with .ci/install-chromium, the Debian package 'chromium',"
            + " or point -Dhwplan.chromium at one)");
    Files.createDirectories(OUT);
    Report report = ChartGallery.report();
    charts =
        (int)
            report.sections().stream()
                .flatMap(s -> s.blocks().stream())
                .filter(b -> b instanceof ChartBlock)
                .count();
    written = ReportWriter.write(report, OUT.resolve("report"));
  }

  @Test
  void everyChartRendersWithNonZeroSize() throws Exception {
    List<String> probe = probe(1280, 900);
    List<String> chartLines = probe.stream().filter(l -> l.startsWith("chart ")).toList();
    assertThat(chartLines).hasSize(charts);
    for (String line : chartLines) {
      String[] f = line.split(" ");
      assertThat(Integer.parseInt(f[2])).as("natural width of %s", f[1]).isPositive();
      assertThat(Integer.parseInt(f[3])).as("natural height of %s", f[1]).isPositive();
      assertThat(Integer.parseInt(f[4])).as("shown width of %s", f[1]).isPositive();
      assertThat(Integer.parseInt(f[5])).as("shown height of %s", f[1]).isPositive();
    }
    screenshot(1280, 2400, "report.png");
  }

  @Test
  void noTableIsWiderThanItsBoxOnA1280PixelScreen() throws Exception {
    List<String> tables = probe(1280, 900).stream().filter(l -> l.startsWith("table ")).toList();
    assertThat(tables).as("tables in the gallery").hasSizeGreaterThanOrEqualTo(3);
    assertThat(tables)
        .as("the gallery holds the default report's widest tables (12 and 13 columns)")
        .anyMatch(l -> l.endsWith(" 13"));
    for (String line : tables) {
      String[] f = line.split(" ");
      int table = Integer.parseInt(f[2]);
      int scroll = Integer.parseInt(f[3]);
      int box = Integer.parseInt(f[4]);
      assertThat(scroll).as("scroll width of %s's box (%s columns)", f[1], f[5]).isEqualTo(box);
      assertThat(table).as("width of %s", f[1]).isLessThanOrEqualTo(box);
    }
  }

  @Test
  void aNarrowWindowDoesNotScrollSideways() throws Exception {
    List<String> probe = probe(390, 844);
    String[] page = probe.get(probe.size() - 1).split(" ");
    int scrollWidth = Integer.parseInt(page[1]);
    int innerWidth = Integer.parseInt(page[2]);
    assertThat(scrollWidth)
        .as("page width at a %d px window", innerWidth)
        .isLessThanOrEqualTo(innerWidth);
    for (String line : probe.subList(0, probe.size() - 1)) {
      if (!line.startsWith("chart ")) {
        continue; // tables scroll inside their own box on a phone
      }
      String[] f = line.split(" ");
      assertThat(Integer.parseInt(f[4])).as("width of %s", f[1]).isBetween(1, innerWidth);
    }
    screenshot(390, 2400, "report-narrow.png");
  }

  /** The probe's lines for the report opened in a window of this size. */
  private static List<String> probe(int width, int height) throws Exception {
    // The probe page sits outside the report folder: index.html needs nothing next to it.
    String html = Files.readString(written.index());
    Path page = OUT.resolve("probe-" + width + ".html");
    Files.writeString(page, html.replace("</body>", PROBE_SCRIPT + "</body>"));
    try {
      String dom =
          run(
              List.of(
                  "--virtual-time-budget=10000",
                  "--window-size=" + width + "," + height,
                  "--dump-dom",
                  page.toUri().toString()),
              "dump-dom-" + width);
      Matcher m = PROBE.matcher(dom);
      assertThat(m.find()).as("the probe's output in the dumped DOM").isTrue();
      return List.of(m.group(1).strip().split("\n"));
    } finally {
      Files.deleteIfExists(page);
    }
  }

  private static void screenshot(int width, int height, String name) throws Exception {
    Path shot = OUT.resolve(name);
    Files.deleteIfExists(shot);
    run(
        List.of(
            "--hide-scrollbars",
            "--window-size=" + width + "," + height,
            "--screenshot=" + shot,
            written.index().toUri().toString()),
        "screenshot-" + width);
    assertThat(shot).isNotEmptyFile();
    assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G');
  }

  /** Runs Chromium headless and offline with a fresh profile; returns its standard output. */
  private static String run(List<String> args, String label) throws Exception {
    Path profile = Files.createTempDirectory("hwplan-chromium-");
    Path stdout = OUT.resolve(label + ".out");
    Path stderr = OUT.resolve(label + ".err");
    List<String> cmd = new ArrayList<>();
    cmd.add(chromium.toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      // A guard against a hung browser, not a timing check.
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish within 180 s; see " + stderr);
      }
      assertThat(p.exitValue()).as("chromium exit code; see %s", stderr).isZero();
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
