package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs pinned byte for byte: the {@code --json} output of the calls in {@code
 * golden/commands.txt} and the tables of the default report (all but the CPU measurement, which
 * times this machine). They were written before the step-model refactor of issue 14, so a refactor
 * that changes a printed number fails here. {@code -Dhwplan.golden.update=true} rewrites them; do
 * that only for a deliberate change and say so in the commit.
 */
class GoldenOutputsTest {
  private static final Path DIR = Paths.get("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("hwplan.golden.update");

  @TestFactory
  Stream<DynamicTest> commandOutputsAreUnchanged() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(DIR.resolve("commands.txt"), StandardCharsets.UTF_8)) {
      if (!l.isBlank() && !l.startsWith("#")) {
        lines.add(l.trim());
      }
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Path expected = DIR.resolve(String.format("%02d.json", i + 1));
      tests.add(
          DynamicTest.dynamicTest(
              line,
              () -> {
                CliHarness r = CliHarness.run(line.split(" "));
                assertThat(r.exitCode()).as(r.err()).isZero();
                check(expected, r.out());
              }));
    }
    return tests.stream();
  }

  @Test
  void defaultReportTablesAreUnchanged(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("report");
    CliHarness r = CliHarness.run("--quick", "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (Stream<Path> tables = Files.list(out.resolve("tables"))) {
      for (Path t : tables.sorted().toList()) {
        String name = t.getFileName().toString();
        if (!name.equals("cpu.csv")) {
          check(DIR.resolve("report").resolve(name), Files.readString(t, StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static void check(Path expected, String actual) {
    try {
      if (UPDATE) {
        Files.createDirectories(expected.getParent());
        Files.writeString(expected, actual, StandardCharsets.UTF_8);
        return;
      }
      assertThat(expected)
          .as("golden file %s (missing: run with -Dhwplan.golden.update=true)", expected)
          .exists();
      assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
