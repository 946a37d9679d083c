package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecordTest {
  /** DESIGN.md's example, verbatim. */
  static final String DESIGN_EXAMPLE =
      """
      {"commit": "3f2a9c1", "machine": "ci-2core", "date": "2026-11-22T06:00:00Z",
       "benchmarks": [{"name": "kv.calculator", "unit": "seconds", "direction": "smaller_is_better",
                       "value": 1.2e-6, "samples": [1.19e-6, 1.2e-6, 1.22e-6]},
                      {"name": "predict.gemm.h100.medianError", "unit": "ratio", "direction": "smaller_is_better", "value": 0.041}]}
      """;

  @Test
  void designDocExampleReadsAsWritten(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run.json");
    Files.writeString(f, DESIGN_EXAMPLE);
    RunRecord r = RunRecord.read(f);
    assertThat(r.commit()).isEqualTo("3f2a9c1");
    assertThat(r.machine()).isEqualTo("ci-2core");
    assertThat(r.instant()).hasToString("2026-11-22T06:00:00Z");
    assertThat(r.benchmarks()).hasSize(2);
    BenchmarkResult kv = r.benchmarks().get(0);
    assertThat(kv.direction()).isEqualTo(Direction.SMALLER_IS_BETTER);
    assertThat(kv.value()).isEqualTo(1.2e-6);
    assertThat(kv.samples()).containsExactly(1.19e-6, 1.2e-6, 1.22e-6);
    assertThat(r.benchmarks().get(1).samples()).isEmpty();
  }

  @Test
  void aJsonLineRoundTripsAndLeavesOutMissingSamples() {
    RunRecord r =
        new RunRecord(
            "abc1234",
            "m",
            "2026-01-02T03:04:05Z",
            List.of(
                new BenchmarkResult("a", "seconds", Direction.SMALLER_IS_BETTER, 1, List.of(1.0)),
                new BenchmarkResult("b", "ratio", Direction.BIGGER_IS_BETTER, 0.5)));
    String line = r.toJsonLine();
    assertThat(line).doesNotContain("\n");
    assertThat(line).contains("\"direction\":\"bigger_is_better\"");
    assertThat(line.indexOf("samples")).isEqualTo(line.lastIndexOf("samples"));
  }

  @Test
  void aWrongDirectionNamesTheFieldAndLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run.json");
    Files.writeString(f, DESIGN_EXAMPLE.replace("\"smaller_is_better\",\n", "\"lower\",\n"));
    assertThatThrownBy(() -> RunRecord.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("run.json")
        .hasMessageContaining("benchmarks[0].direction")
        .hasMessageContaining("smaller_is_better or bigger_is_better")
        .hasMessageContaining("line 2");
  }

  /** A time or a size below zero is bad input, not a 3,500,000 % improvement. */
  @Test
  void aNegativeTimeIsBadInput(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run.json");
    Files.writeString(f, DESIGN_EXAMPLE.replace("\"value\": 1.2e-6", "\"value\": -1"));
    assertThatThrownBy(() -> RunRecord.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("benchmarks[0].value")
        .hasMessageContaining("must be >= 0 for unit seconds, got -1.0");
    Files.writeString(f, DESIGN_EXAMPLE.replace("1.19e-6", "-1.19e-6"));
    assertThatThrownBy(() -> RunRecord.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("benchmarks[0].samples[0]");
    // a ratio may be negative (a signed change, say)
    Files.writeString(f, DESIGN_EXAMPLE.replace("\"value\": 0.041", "\"value\": -0.041"));
    assertThat(RunRecord.read(f).benchmarks().get(1).value()).isEqualTo(-0.041);
  }

  @Test
  void aMissingValueIsBadInputNotZero(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run.json");
    Files.writeString(
        f, DESIGN_EXAMPLE.replace("\"value\": 0.041", "\"value\": 0.041, \"valu\": 1"));
    assertThatThrownBy(() -> RunRecord.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown field 'valu'");
    Files.writeString(f, DESIGN_EXAMPLE.replace(", \"value\": 0.041", ""));
    assertThatThrownBy(() -> RunRecord.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("field 'benchmarks[1].value': is missing");
  }

  @Test
  void aNameTwiceOrADateWithoutZoneIsRejected() {
    BenchmarkResult a = new BenchmarkResult("a", "s", Direction.SMALLER_IS_BETTER, 1);
    assertThatThrownBy(() -> new RunRecord("c", "m", "2026-01-01T00:00:00Z", List.of(a, a)))
        .hasMessageContaining("benchmarks[1].name")
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new RunRecord("c", "m", "2026-01-01 00:00", List.of(a)))
        .hasMessageContaining("date");
  }
}
