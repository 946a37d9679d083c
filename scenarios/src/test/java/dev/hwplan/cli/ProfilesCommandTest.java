package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesCommandTest {
  @TempDir Path dir;

  @Test
  void showH100AsJson() {
    CliHarness r = CliHarness.run("profiles", "show", "h100-sxm", "--json");
    assertThat(r.exitCode()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("id").asText()).isEqualTo("h100-sxm");
    assertThat(j.get("sms").asInt()).isEqualTo(132);
    assertThat(j.get("tensorCores").asInt()).isEqualTo(528);
    assertThat(j.get("boostClockMHz").asDouble()).isEqualTo(1980.0);
    assertThat(j.get("memoryBytes").asLong()).isEqualTo(80L << 30);
    assertThat(j.get("memoryBandwidthBytesPerSecond").asDouble()).isEqualTo(3.352e12);
    assertThat(j.get("l2Bytes").asLong()).isEqualTo(50L << 20);
    assertThat(j.get("peakFlops").get("bf16").asDouble()).isCloseTo(9.894e14, within(1e11));
    assertThat(j.get("peakFlops").get("fp8").asDouble()).isCloseTo(1.9789e15, within(1e11));
    for (String d : new String[] {"bf16", "fp16", "fp8", "tf32", "fp32", "fp64"}) {
      assertThat(j.get("peakFlops").has(d)).as(d).isTrue();
    }
  }

  @Test
  void listAsJsonIsOneObjectHoldingTheProfiles() {
    CliHarness r = CliHarness.run("profiles", "list", "--json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.json().isObject()).isTrue();
    assertThat(r.json().get("profiles").isArray()).isTrue();
    assertThat(r.json().get("profiles").get(0).has("peakFlops")).isTrue();
  }

  @Test
  void modelsListAsJsonIsOneObjectHoldingTheModels() {
    CliHarness r = CliHarness.run("models", "list", "--json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.json().isObject()).isTrue();
    assertThat(r.json().get("models").get(0).get("id").asText()).isEqualTo("llama-3.1-8b");
  }

  @Test
  void brokenYamlInUserFolderIsOneLineAndExit2() throws IOException {
    Files.writeString(dir.resolve("broken.yaml"), "id: broken\nsm: {subPartitions: [\n");
    CliHarness r = CliHarness.run("profiles", "list", "--profiles", dir.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("hwplan: error: ").contains("broken.yaml");
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void unknownIdIsExit2() {
    CliHarness r = CliHarness.run("profiles", "show", "h900");
    r.isBadInput("unknown GPU 'h900'");
  }

  @Test
  void unknownOptionIsExit2() {
    assertThat(CliHarness.run("profiles", "list", "--nope").exitCode()).isEqualTo(2);
  }

  @Test
  void versionPrints() {
    CliHarness r = CliHarness.run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("hwplan ");
  }
}
