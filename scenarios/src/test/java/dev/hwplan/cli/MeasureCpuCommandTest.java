package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's contract; --smoke runs tiny shapes, so these check plumbing, not speed. */
class MeasureCpuCommandTest {
  @Test
  void jsonIsOneObjectInSiUnitsAndTheCalibrationIsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cal.json");
    CliHarness r = CliHarness.run("measure", "cpu", "--smoke", "--json", "--out", file.toString());
    assertThat(r.exitCode()).isZero();
    JsonNode j = StrictMapper.json().readTree(r.out());
    assertThat(j.isObject()).isTrue();
    assertThat(j.get("readBytesPerSecond").asDouble()).isPositive();
    assertThat(j.get("fmaFlopsPerSecond").asDouble()).isPositive();
    assertThat(j.has("medianRelativeError")).isTrue();
    assertThat(j.get("kernels").get(0).has("predictedSeconds")).isTrue();
    assertThat(j.get("kernels").get(0).has("ratio")).isTrue();
    JsonNode mla = j.get("mlaVsGqa");
    assertThat(mla.get("mlaOverGqaSeconds").asDouble()).isPositive();
    assertThat(mla.get("rows")).hasSize(2);
    assertThat(mla.get("rows").get(0).get("kind").asText()).isEqualTo("mla");
    assertThat(mla.get("rows").get(1).get("kind").asText()).isEqualTo("gqa");
    // Equal memory: both caches hold the same bytes.
    assertThat(mla.get("rows").get(0).get("cacheBytes").asDouble())
        .isEqualTo(mla.get("rows").get(1).get("cacheBytes").asDouble());
    assertThat(mla.get("rows").get(0).get("bound").asText()).isIn("memory", "compute");
    assertThat(j.get("calibrationFile").asText()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(Files.readString(file)).contains("\"readBytesPerSecond\"", "samplesSeconds");
  }

  @Test
  void textNamesTheUnitsAndTheMedianError(@TempDir Path dir) {
    CliHarness r =
        CliHarness.run("measure", "cpu", "--smoke", "--out", dir.resolve("c.json").toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("STREAM read", "GB/s", "GFLOP/s", "medianRelativeError", "MLA vs GQA");
    assertThat(r.err()).doesNotContain("measure cpu"); // no progress bar without a terminal
  }

  @Test
  void chartsAreWrittenAsPngAndSvg(@TempDir Path dir) throws Exception {
    Path charts = dir.resolve("charts");
    CliHarness r =
        CliHarness.run(
            "measure", "cpu", "--smoke", "--no-save", "--json", "--charts", charts.toString());
    assertThat(r.exitCode()).isZero();
    JsonNode j = StrictMapper.json().readTree(r.out());
    assertThat(j.get("chartFiles")).hasSize(4);
    assertThat(Files.size(charts.resolve("cpu-roofline.png"))).isPositive();
    assertThat(Files.readString(charts.resolve("cpu-predicted-vs-measured.svg"))).contains("<svg");
  }

  @Test
  void aDirectoryAsOutIsBadInputOnOneLine(@TempDir Path dir) {
    CliHarness r = CliHarness.run("measure", "cpu", "--smoke", "--out", dir.toString());
    assertThat(r.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("--out", "is a directory");
  }

  @Test
  void aNegativeMaxErrorIsBadInput() {
    CliHarness r = CliHarness.run("measure", "cpu", "--smoke", "--no-save", "--max-error", "-1");
    assertThat(r.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(r.err()).contains("--max-error");
  }

  @Test
  void aMedianErrorAboveMaxErrorFailsTheCheck() {
    CliHarness r = CliHarness.run("measure", "cpu", "--smoke", "--no-save", "--max-error", "1e-9");
    assertThat(r.exitCode()).isEqualTo(Hwplan.CHECK_FAILED);
    assertThat(r.err()).contains("check failed");
  }

  @Test
  void measureAloneListsItsSubcommands() {
    CliHarness r = CliHarness.run("measure");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("cpu");
  }
}
