package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./hwplan ...} line inside a {@code ```bash} block of README.md runs here,
 * in-process, and must exit 0, so that the README stays true. Examples that need the reader's own
 * files sit in {@code ```sh} blocks and are not run. The bare {@code ./hwplan} (the main job) is
 * run by CI. A {@code mkdir -p DIR} line in those blocks runs too. Paths under {@code /tmp/} go to
 * a fresh temporary folder instead, so that what an earlier run (or an older hwplan) left in the
 * machine's {@code /tmp} cannot change the outcome.
 */
class ReadmeExamplesTest {
  @TempDir static Path tmp;

  static List<String> examples() throws IOException {
    Path readme = Path.of("..", "README.md");
    List<String> out = new ArrayList<>();
    boolean inBlock = false;
    for (String line : Files.readAllLines(readme)) {
      if (line.startsWith("```")) {
        inBlock = !inBlock && line.strip().equals("```bash");
        continue;
      }
      String l = line.replaceFirst("\\s+#.*$", "").strip();
      if (inBlock && l.startsWith("./hwplan ")) {
        out.add(l.substring("./hwplan ".length()));
      } else if (inBlock && l.startsWith("mkdir -p ")) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * The README's paths are relative to the repository root and the test runs in {@code scenarios/}:
   * an argument that names an existing file from the root is resolved from there.
   */
  static String[] fromRepoRoot(String[] args) {
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i].startsWith("/tmp/")) {
        out[i] = tmp.resolve(out[i].substring("/tmp/".length())).toString();
      } else if (!out[i].startsWith("-")
          && out[i].contains("/")
          && !Files.exists(Path.of(out[i]))) {
        Path fromRoot = Path.of("..", out[i]);
        if (Files.exists(fromRoot)) {
          out[i] = fromRoot.toString();
        }
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> readmeCommandsRun() throws IOException {
    List<String> examples = examples();
    assertThat(examples).hasSizeGreaterThan(5);
    assertThat(examples).anyMatch(e -> e.contains("/tmp/"));
    return examples.stream()
        .map(
            cmd ->
                DynamicTest.dynamicTest(
                    (cmd.startsWith("mkdir ") ? "" : "hwplan ") + cmd,
                    () -> {
                      String[] args = fromRepoRoot(cmd.split("\\s+"));
                      if (cmd.startsWith("mkdir -p ")) {
                        Files.createDirectories(Path.of(args[2]));
                        return;
                      }
                      CliHarness r = CliHarness.run(args);
                      assertThat(r.exitCode()).as(r.err()).isZero();
                      if (cmd.contains("--json")) {
                        r.json();
                      }
                    }));
  }
}
