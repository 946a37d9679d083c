package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandsTest {
  @TempDir Path dir;

  @Test
  void deepseekV3KvAt128k() {
    CliHarness r = CliHarness.run("kv", "--model", "deepseek-v3", "--context", "131072", "--json");
    assertThat(r.exitCode()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("bytesPerToken").asLong()).isEqualTo(70272);
    assertThat(j.get("totalBytes").asLong()).isEqualTo(9_210_691_584L);
    assertThat(j.get("layers")).hasSize(61);
    assertThat(j.get("layers").get(0).get("bytesPerToken").asLong()).isEqualTo(1152);
  }

  @Test
  void llama405bTotalParams() {
    CliHarness r = CliHarness.run("models", "show", "llama-3.1-405b", "--json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.json().get("totalParams").asLong()).isEqualTo(405_853_388_800L);
    assertThat(r.json().get("attentionKind").asText()).isEqualTo("gqa");
  }

  @Test
  void compareShowsFourDesigns() {
    CliHarness r = CliHarness.line("kv --model llama-3.1-70b --context 131072 --compare --json");
    JsonNode rows = r.json().get("comparison");
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).get("totalBytes").asLong()).isEqualTo(320L << 30);
    assertThat(rows.get(1).get("native").asBoolean()).isTrue();
  }

  @Test
  void memoryReportsSequencesThatFit() {
    CliHarness r =
        CliHarness.line("memory --model llama-3.1-8b --gpu h100-sxm --context 8192 --json");
    assertThat(r.exitCode()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("fits").asBoolean()).isTrue();
    // 8192 tokens x 128 KiB = 1 GiB a sequence; 72 GiB usable minus ~15 GiB weights.
    assertThat(j.get("bytesPerSequence").asLong()).isEqualTo(1L << 30);
    assertThat(j.get("maxSequences").asLong()).isBetween(50L, 56L);
  }

  @Test
  void modelThatDoesNotFitSaysSo() {
    CliHarness r = CliHarness.line("memory --model llama-3.1-405b --gpu h100-sxm --context 4096");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("DOES NOT FIT").contains("weights");
  }

  @Test
  void configPathWorksWhereAnIdDoes() throws IOException {
    Path cfg = dir.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"hidden_size\":512,\"num_hidden_layers\":2,"
            + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1024,"
            + "\"vocab_size\":1000}");
    CliHarness r = CliHarness.run("kv", "--model", cfg.toString(), "--context", "10", "--json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.json().get("bytesPerToken").asLong()).isEqualTo(2L * 2 * 2 * 64 * 2);
  }

  @Test
  void headsNotDivisibleByKvHeadsIsExit2() throws IOException {
    Path cfg = dir.resolve("bad.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"hidden_size\":512,\"num_hidden_layers\":2,"
            + "\"num_attention_heads\":8,\"num_key_value_heads\":3,\"intermediate_size\":1024,"
            + "\"vocab_size\":1000}");
    CliHarness r = CliHarness.run("kv", "--model", cfg.toString(), "--context", "10");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("bad.json")
        .contains("num_key_value_heads")
        .contains("not divisible");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void unknownModelTypeIsNamed() throws IOException {
    Path cfg = dir.resolve("odd.json");
    Files.writeString(cfg, "{\"model_type\":\"mamba\"}");
    CliHarness r = CliHarness.run("models", "show", cfg.toString());
    r.isBadInput("unsupported model_type 'mamba'");
  }

  @Test
  void tpThatDoesNotDivideHeadsIsExit2() {
    CliHarness r = CliHarness.run("kv", "--model", "llama-3.1-8b", "--context", "10", "--tp", "3");
    r.isBadInput("--tp");
  }

  @Test
  void negativeContextIsExit2() {
    CliHarness r = CliHarness.run("kv", "--model", "llama-3.1-8b", "--context", "-5");
    r.isBadInput("--context");
  }

  @Test
  void unknownGpuIsExit2() {
    CliHarness r = CliHarness.run("memory", "--model", "llama-3.1-8b", "--gpu", "h900");
    r.isBadInput("unknown GPU 'h900'");
  }

  @Test
  void malformedConfigJsonIsExit2() throws IOException {
    Path cfg = dir.resolve("broken.json");
    Files.writeString(cfg, "{\"model_type\": \"llama\", ");
    CliHarness r = CliHarness.run("kv", "--model", cfg.toString(), "--context", "10");
    r.isBadInput("broken.json", "malformed JSON");
  }
}
