package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The main job and {@code hwplan run}, end to end, as a user runs them. */
class RunCommandTest {
  static List<String> bundled() {
    return Scenario.BUNDLED;
  }

  private static List<String> files(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(f -> out.add(dir.relativize(f).toString()));
    }
    return out;
  }

  @Test
  void mainJob_writesTheDefaultReportWithEveryFileKind(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("hwplan-report");
    CliHarness r = CliHarness.run("--out", out.toString(), "--quick", "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("scenario").asText()).isEqualTo("default.yaml");
    assertThat(j.get("index").asText())
        .isEqualTo(out.resolve("index.html").toAbsolutePath().toString());
    List<String> files = files(out);
    assertThat(files).contains("index.html", "report.md");
    assertThat(files).anyMatch(f -> f.startsWith("tables/") && f.endsWith(".csv"));
    long png = files.stream().filter(f -> f.endsWith(".png")).count();
    long svg = files.stream().filter(f -> f.endsWith(".svg")).count();
    assertThat(png).isGreaterThanOrEqualTo(8).isEqualTo(svg);
    // The KV study's numbers are the calculators': 327,680 B/token, 40 GiB at 128k for 70B.
    JsonNode kv = j.get("studies").get(0);
    assertThat(kv.get("kind").asText()).isEqualTo("kv");
    assertThat(kv.get("numbers").get("llama-3.1-70b.bytesPerToken").asLong()).isEqualTo(327_680);
    assertThat(kv.get("numbers").get("llama-3.1-70b.totalBytes").asLong()).isEqualTo(40L << 30);
    assertThat(kv.get("numbers").get("deepseek-v3.totalBytes").asLong()).isEqualTo(9_210_691_584L);
    String html = Files.readString(out.resolve("index.html"));
    assertThat(html).contains("data:image/svg+xml;base64,").doesNotContain("src=\"charts/");
    String md = Files.readString(out.resolve("report.md"));
    // Under --quick the CPU kernels only check the plumbing, and the report says so.
    assertThat(md)
        .contains("Plumbing check only (`--quick`)")
        .doesNotContain("This machine: STREAM");
    for (String f : files) {
      if (f.endsWith(".png")) {
        assertThat(md).contains("(" + f + ")");
      }
    }
    String csv = Files.readString(out.resolve("tables/kv-cache.csv"));
    assertThat(csv.lines().findFirst().orElseThrow()).contains("model", "design", "bytesPerToken");
    assertThat(csv).contains("327680");
  }

  /** A small scenario: two points of one KV study. */
  private static final String SMALL =
      """
      title: Small
      studies:
        - kind: kv
          model: llama-3.1-8b
          context: [4096, 8192]
      """;

  /** A scenario with a value that Llama 3.1 70B refuses (TP 6), on line 5. */
  private static final String BAD =
      """
      title: Bad
      studies:
        - kind: memory
          model: llama-3.1-70b
          tp: [4, 6]
      """;

  @Test
  void textOutput_endsWithWhereTheReportWent(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("r");
    CliHarness r = runScenario(tmp, "small.yaml", SMALL);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Small", "llama-3.1-8b")
        .endsWith(out.resolve("index.html").toAbsolutePath() + System.lineSeparator());
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aBadScenarioIsBadInputAndWritesNothing(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("r");
    CliHarness r = runScenario(tmp, "bad.yaml", BAD);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("bad.yaml", "studies[0].tp", "line 5").doesNotContain("\tat ");
    assertThat(out).doesNotExist();
  }

  @Test
  void engineFlags_sparkWithoutItsModuleAndAMasterForTheLocalEngineAreBadInput(@TempDir Path tmp) {
    Path out = tmp.resolve("r");
    // The default build has no Spark executor on the class path: the message says how to get it.
    CliHarness spark =
        CliHarness.run(
            "run", "mla-vs-gqa-memory.yaml", "--out", out.toString(), "--engine", "spark");
    assertThat(spark.exitCode()).isEqualTo(2);
    assertThat(spark.err().strip())
        .startsWith("hwplan: error: command line: field '--engine': spark: the Spark executor")
        .contains("-Pspark", "Running large studies on Spark")
        .doesNotContain("\n", "\tat ");
    CliHarness master =
        CliHarness.run(
            "run", "mla-vs-gqa-memory.yaml", "--out", out.toString(), "--master", "local[2]");
    master.isBadInput("'--master': has no effect with the local engine");
    CliHarness unknown =
        CliHarness.run("run", "mla-vs-gqa-memory.yaml", "--out", out.toString(), "--engine", "ray");
    unknown.isBadInput("unknown engine 'ray' (known here: local)");
    assertThat(out).doesNotExist();
    CliHarness local =
        CliHarness.run(
            "run",
            "mla-vs-gqa-memory.yaml",
            "--out",
            out.toString(),
            "--engine",
            "local",
            "--json");
    assertThat(local.exitCode()).as(local.err()).isZero();
  }

  @Test
  void refusesToReplaceAFolderThatIsNotAReport(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("notes.txt"), "mine");
    CliHarness r =
        CliHarness.run("run", "mla-vs-gqa-memory.yaml", "--out", tmp.toString(), "--quick");
    r.isBadInput("--out");
    assertThat(tmp.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void benchStudy_drawsATrendChartPerMetricAgainstAHistory(@TempDir Path tmp) throws Exception {
    Path history = tmp.resolve("history.jsonl");
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      CliHarness b =
          CliHarness.run("bench", "--quick", "--json", "--only", "kv.calculator", "--machine", "m");
      assertThat(b.exitCode()).as(b.err()).isZero();
      h.append(b.json().toString()).append('\n');
    }
    Files.writeString(history, h.toString());
    Path yaml = tmp.resolve("ci.yaml");
    Files.writeString(
        yaml,
        "title: CI\nstudies:\n  - kind: bench\n    history: history.jsonl\n    threshold: 0.5\n");
    Path out = tmp.resolve("r");
    CliHarness r = CliHarness.run("run", yaml.toString(), "--out", out.toString(), "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.json().get("studies").get(0).get("summary").get(0).asText())
        .contains("against the last 10 runs of");
    assertThat(out.resolve("charts")).isDirectoryContaining(p -> p.toString().endsWith(".svg"));
  }

  @ParameterizedTest
  @MethodSource("bundled")
  void everyBundledScenarioRuns(String name, @TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("r");
    CliHarness r = CliHarness.run("run", name, "--out", out.toString(), "--quick", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(out.resolve("index.html")).exists();
    // The top-level copy is the one the jar bundles.
    assertThat(Files.readString(Path.of(name))).isEqualTo(Scenario.bundledText(name));
  }

  /** Runs the scenario {@code yaml}, written to {@code tmp/name}, with {@code --out tmp/r}. */
  private static CliHarness runScenario(Path tmp, String name, String yaml) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, yaml);
    return CliHarness.run("run", file.toString(), "--out", tmp.resolve("r").toString());
  }
}
