package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.bench.ProjectBenchmark;
import dev.hwplan.regress.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's contract; timings are checked for shape only, never for speed. */
class BenchCommandTest {
  @Test
  void quickJsonIsARunRecordThatRegressReads(@TempDir Path dir) throws Exception {
    CliHarness b =
        CliHarness.line(
            "bench --quick --json --machine test-box --commit abc1234 "
                + "--date 2026-11-22T06:00:00Z");
    assertThat(b.exitCode()).as(b.err()).isZero();
    assertThat(b.err()).isEmpty(); // no progress bar without a terminal
    JsonNode j = b.json();
    assertThat(j.get("commit").asText()).isEqualTo("abc1234");
    assertThat(j.get("machine").asText()).isEqualTo("test-box");
    assertThat(j.get("date").asText()).isEqualTo("2026-11-22T06:00:00Z");
    assertThat(j.get("benchmarks")).hasSize(ProjectBenchmark.values().length);
    for (JsonNode m : j.get("benchmarks")) {
      assertThat(m.get("direction").asText()).isEqualTo("smaller_is_better");
      assertThat(m.get("value").asDouble()).isPositive();
      if (m.get("name").asText().startsWith("predict.")) {
        // Accuracy: computed from the committed measurements, no samples.
        assertThat(m.get("unit").asText()).isEqualTo("ratio");
        assertThat(m.get("value").asDouble()).isLessThan(1);
        assertThat(m.has("samples")).isFalse();
      } else if (m.get("name").asText().startsWith("train.")
          && !m.get("name").asText().equals("train.evaluate")) {
        // The training planner: whole searches (seconds) and published-data errors (ratio).
        assertThat(m.get("unit").asText()).isIn("seconds", "ratio");
        assertThat(m.has("samples")).isFalse();
      } else if (m.get("name").asText().startsWith("serve.")) {
        // The serving simulator: the wall time of one whole run and ratios from it, no samples.
        assertThat(m.get("unit").asText())
            .isEqualTo(m.get("name").asText().endsWith("Ratio") ? "ratio" : "seconds");
        assertThat(m.has("samples")).isFalse();
      } else {
        assertThat(m.get("unit").asText()).isEqualTo("seconds");
        assertThat(m.get("samples")).hasSize(7);
      }
    }
    assertThat(j.get("benchmarks").findValuesAsText("name"))
        .contains(
            "inference.estimate",
            "predict.gemm.h100.medianError",
            "predict.gemm.h100.p90Error",
            "predict.attention.h200.medianError",
            "predict.mla.h100.medianError",
            "predict.collective.h200.medianError",
            "predict.gemm.crossGpu.h100ToH200.medianError",
            "predict.decodeStep.h100.medianError");
    Path current = dir.resolve("current.json");
    Files.writeString(current, b.out());
    RunRecord r = RunRecord.read(current);
    assertThat(r.benchmarks())
        .extracting(x -> x.name())
        .containsExactlyElementsOf(
            Arrays.stream(ProjectBenchmark.values()).map(ProjectBenchmark::id).toList());
    Path history = dir.resolve("history.jsonl");
    CliHarness g =
        CliHarness.run("regress", "--history", history.toString(), "--current", current.toString());
    assertThat(g.exitCode()).as(g.err()).isZero();
    assertThat(RunRecord.read(current)).isEqualTo(r);
  }

  @Test
  void outWritesTheRecordAndOnlyRunsTheNamedBenchmarks(@TempDir Path dir) {
    Path out = dir.resolve("run.json");
    CliHarness b =
        CliHarness.run("bench", "--quick", "--only", "kv.calculator", "--out", out.toString());
    assertThat(b.exitCode()).as(b.err()).isZero();
    assertThat(b.out()).contains("kv.calculator", "per call", out.toAbsolutePath().toString());
    RunRecord r = RunRecord.read(out);
    assertThat(r.benchmarks()).hasSize(1);
    assertThat(r.commit()).isNotBlank();
    assertThat(r.machine()).endsWith("cpu");
  }

  @Test
  void anUnknownBenchmarkOrDateIsBadInput() {
    CliHarness a = CliHarness.run("bench", "--only", "nope");
    assertThat(a.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(a.err()).contains("--only", "kv.calculator");
    CliHarness d = CliHarness.run("bench", "--date", "yesterday");
    assertThat(d.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(d.err()).contains("--date");
  }
}
