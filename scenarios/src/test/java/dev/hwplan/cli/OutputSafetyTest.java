package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.regress.History;
import dev.hwplan.report.ReportFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output paths in a new user's hands: hwplan replaces only folders it wrote, refuses the rest
 * before doing any work, and creates no folders the user did not name.
 */
class OutputSafetyTest {
  @TempDir Path tmp;

  /**
   * A scenario that fails while it runs, after it loads: its bench study reads a broken history
   * only after it has run the benchmarks. An {@code --out} refused before the work never gets
   * there, so its error, not the history's, is the one printed.
   */
  private Path failsWhileRunning() throws IOException {
    Files.writeString(tmp.resolve("broken-history.jsonl"), "this is not a run record\n");
    return Files.writeString(
        tmp.resolve("late-failure.yaml"),
        """
        title: Fails while running
        studies:
          - kind: bench
            history: broken-history.jsonl
        """);
  }

  /** The user's web site from the issue: only entries that a report also has. */
  private Path usersSite() throws IOException {
    Path site = tmp.resolve("site");
    Files.createDirectories(site.resolve("tables"));
    Files.writeString(site.resolve("index.html"), "<html>home</html>\n");
    Files.writeString(site.resolve("tables/budget.csv"), "keep\n");
    return site;
  }

  private static void assertOneLineNaming(CliHarness r, String flag, String... words) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("hwplan: error: ").contains(flag).contains(words);
    assertThat(r.err()).doesNotContain("\tat ", "internal error");
    assertThat(r.out()).isEmpty();
  }

  private String[] entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void theUsersOwnFolderIsRefusedBeforeAnyWorkAndKeptByteForByte() throws Exception {
    Path site = usersSite();
    Path scenario = failsWhileRunning();
    Map<String, String> before = tree(site);
    CliHarness r = CliHarness.run("run", scenario.toString(), "--out", site.toString());
    assertOneLineNaming(r, "--out", "not written by hwplan (no .hwplan-report marker)");
    assertThat(r.err()).doesNotContain("broken-history"); // the scenario never ran
    assertThat(tree(site)).isEqualTo(before);
    // Nothing was staged next to it either.
    assertThat(entries(tmp))
        .containsExactlyInAnyOrder("site", "broken-history.jsonl", "late-failure.yaml");
  }

  @Test
  void theIssuesReproKeepsBudgetCsvAndIndexHtml() throws Exception {
    Path site = usersSite();
    CliHarness r = CliHarness.run("run", "mla-vs-gqa-memory.yaml", "--out", site.toString());
    assertOneLineNaming(r, "--out", "not written by hwplan (no .hwplan-report marker)");
    assertThat(site.resolve("tables/budget.csv")).hasContent("keep");
    assertThat(site.resolve("index.html")).hasContent("<html>home</html>");
    // And the main job (./hwplan --out site) the same way.
    CliHarness main = CliHarness.run("--out", site.toString(), "--quick");
    assertOneLineNaming(main, "--out", "no .hwplan-report marker");
    assertThat(site.resolve("tables/budget.csv")).hasContent("keep");
  }

  @Test
  void aReportHwplanWroteIsReplacedAndOneFromBeforeTheMarkerIsRefused() throws Exception {
    Path out = tmp.resolve("report");
    CliHarness first = CliHarness.run("run", "mla-vs-gqa-memory.yaml", "--out", out.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(out.resolve(ReportFolder.MARKER)).content().contains("\"tool\":\"hwplan\"");
    Files.writeString(out.resolve("report.md"), "an old report\n");
    CliHarness again = CliHarness.run("run", "mla-vs-gqa-memory.yaml", "--out", out.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(out.resolve("report.md")).content().doesNotContain("an old report");

    // A folder an older hwplan wrote has no marker: refused (safe), and the message says why.
    Files.delete(out.resolve(ReportFolder.MARKER));
    CliHarness legacy = CliHarness.run("run", "mla-vs-gqa-memory.yaml", "--out", out.toString());
    assertOneLineNaming(legacy, "--out", "not written by hwplan (no .hwplan-report marker)");
    assertThat(out.resolve("index.html")).isRegularFile();
  }

  @Test
  void anOutThatCannotBeWrittenIsBadInputNotAnInternalError() throws Exception {
    Path scenario = failsWhileRunning();
    Path file = Files.writeString(tmp.resolve("a-file"), "mine\n");
    assertOneLineNaming(
        CliHarness.run("run", scenario.toString(), "--out", file.toString()),
        "--out",
        "is a file, not a folder");
    assertOneLineNaming(
        CliHarness.run("run", scenario.toString(), "--out", file.resolve("report").toString()),
        "--out",
        "is a file, not a folder");
    assertThat(file).hasContent("mine");
    // A place no one can create folders in, not even root: /proc.
    Path proc = Path.of("/proc");
    Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "needs Linux /proc");
    assertOneLineNaming(
        CliHarness.run("run", scenario.toString(), "--out", "/proc/hwplan-report"),
        "--out",
        "cannot be written");
  }

  @Test
  void regressRefusesTheUsersFolderBeforeComparingOrAppending() throws Exception {
    Path[] f = RegressCommandTest.setUp(tmp, 1.0, 5);
    int before = History.read(f[0]).size();
    Path site = usersSite();
    CliHarness r = RegressCommandTest.regress(f, "--out", site.toString());
    assertOneLineNaming(r, "--out", "no .hwplan-report marker");
    assertThat(History.read(f[0])).hasSize(before); // not recorded
    assertThat(site.resolve("tables/budget.csv")).hasContent("keep");

    // Its own output folder is marked, and a second run may write it again.
    Path out = tmp.resolve("regress-out");
    for (int i = 0; i < 2; i++) {
      CliHarness ok = RegressCommandTest.regress(f, "--out", out.toString(), "--no-append");
      assertThat(ok.exitCode()).as(ok.err()).isZero();
    }
    assertThat(out.resolve(ReportFolder.MARKER)).isRegularFile();
    assertThat(out.resolve("report").resolve(ReportFolder.MARKER)).isRegularFile();
  }

  @Test
  void outputFilesNeedAnExistingFolderAndNoFolderIsCreated() throws Exception {
    StringBuilder csv = new StringBuilder("params,tokens,loss\n");
    Random rnd = new Random(3);
    for (int i = 0; i < 8; i++) {
      double n = 1e8 * (1 + i);
      double d = 2e9 * (1 + (i * 7) % 5);
      double loss = 1.8 + 400 / Math.pow(n, 0.34) + 410 / Math.pow(d, 0.28);
      csv.append(n)
          .append(',')
          .append(d)
          .append(',')
          .append(loss * (1 + 0.001 * rnd.nextGaussian()))
          .append('\n');
    }
    Path data = Files.writeString(tmp.resolve("runs.csv"), csv);
    Path missing = tmp.resolve("no-such-folder");
    CliHarness fit =
        ScalingCommandTest.fit(
            data, "--rounds", "0", "--save", missing.resolve("fit.json").toString());
    assertOneLineNaming(fit, "--save", "does not exist");
    assertThat(missing).doesNotExist();

    CliHarness bench =
        CliHarness.line(
            "bench --quick --only kv.calculator --out",
            missing.resolve("deeper/run.json").toString());
    assertOneLineNaming(bench, "--out", "does not exist");
    assertThat(missing).doesNotExist();

    CliHarness cpu =
        CliHarness.line("measure cpu --smoke --out", missing.resolve("cal.json").toString());
    assertOneLineNaming(cpu, "--out", "does not exist");
    assertThat(missing).doesNotExist();

    // --save into a folder that exists works, and gets the umask like any new file.
    Path control = Files.createFile(tmp.resolve("control"));
    CliHarness ok =
        ScalingCommandTest.fit(data, "--rounds", "0", "--save", tmp.resolve("fit.json").toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(Files.getPosixFilePermissions(tmp.resolve("fit.json")))
        .isEqualTo(Files.getPosixFilePermissions(control));
  }

  @Test
  void measureCpuChartsFolderFollowsTheSameRule() throws Exception {
    Path site = usersSite();
    CliHarness r =
        CliHarness.run("measure", "cpu", "--smoke", "--no-save", "--charts", site.toString());
    assertOneLineNaming(r, "--charts", "no .hwplan-report marker");
    assertThat(entries(site)).containsExactly("index.html", "tables");
  }

  /** Relative path to content, for every file under {@code dir}. */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }
}
