package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasureGpuImportCommandTest {
  private static Path copyOfBundled(Path dir, String resource) throws Exception {
    Path f = dir.resolve("in-" + resource.replace('/', '-'));
    try (InputStream in =
        MeasureGpuImportCommandTest.class.getResourceAsStream("/calibrations/" + resource)) {
      Files.copy(in, f);
    }
    return f;
  }

  @Test
  void importsTheH100HarnessIntoTheProfileFolderAndSummarisesIt(@TempDir Path dir)
      throws Exception {
    Path in = copyOfBundled(dir, "h100-sxm/cuda-harness.json");
    Path into = dir.resolve("cal");
    CliHarness r =
        CliHarness.run("measure", "gpu-import", in.toString(), "--into", into.toString(), "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("profile").asText()).isEqualTo("h100-sxm");
    assertThat(j.get("rows").get("decodeAttention").asInt()).isEqualTo(48);
    // 3.117 TB/s read (run 3, current kernels) against the profile's 3.352 TB/s (5120 bit x 2 x
    // 2619 MHz)
    assertThat(j.get("measured").get("readBytesPerSecond").asDouble())
        .isCloseTo(3.1172e12, withPercentage(0.01));
    assertThat(j.get("measured").get("readFractionOfPeak").asDouble())
        .isCloseTo(3.1172e12 / 3.352e12, withPercentage(0.01));
    Path written = into.resolve("h100-sxm").resolve("cuda-harness.json");
    assertThat(j.get("importedTo").asText()).isEqualTo(written.toAbsolutePath().toString());
    JsonNode stored = StrictMapper.json().readTree(written.toFile());
    assertThat(stored.get("imported").get("profile").asText()).isEqualTo("h100-sxm");
    assertThat(stored.get("gemm").size()).isEqualTo(280);
  }

  @Test
  void dryRunWritesNothing(@TempDir Path dir) throws Exception {
    Path in = copyOfBundled(dir, "h200-sxm/nccl.json");
    Path into = dir.resolve("cal");
    CliHarness r =
        CliHarness.run(
            "measure", "gpu-import", in.toString(), "--into", into.toString(), "--dry-run");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("h200-sxm", "collectives", "dry run");
    assertThat(into).doesNotExist();
  }

  @Test
  void theNoGpuAnswer_andABrokenRow_areBadInputNamingTheField(@TempDir Path dir) throws Exception {
    CliHarness r =
        CliHarness.onFile(
            dir.resolve("no-gpu.json"),
            "{\"status\":\"no_gpu\",\"tool\":\"hwplan-cuda-harness\",\"reason\":\"cudaGetDeviceCount:"
                + " no CUDA-capable device\"}\n",
            "measure",
            "gpu-import");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("no-gpu.json", "status", "nothing was measured")
        .doesNotContain("\tat ");

    Path in = copyOfBundled(dir, "h100-sxm/cuda-harness.json");
    Files.writeString(in, Files.readString(in).replaceFirst("\"kvHeads\": ?32", "\"kvHeads\":5"));
    r = CliHarness.run("measure", "gpu-import", in.toString(), "--dry-run");
    r.isBadInput("decodeAttention[0].kvHeads", "not divisible");
  }
}
