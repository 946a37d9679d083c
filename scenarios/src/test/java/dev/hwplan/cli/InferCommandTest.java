package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class InferCommandTest {
  @Test
  void llama8bJsonHasTtftTpotThroughputModeAndBreakdown() {
    CliHarness r =
        CliHarness.line(
            "infer --model llama-3.1-8b --gpu h100-sxm --batch 8 "
                + "--prompt 1024 --output 256 --json");
    JsonNode j = r.okJson();
    assertThat(j.get("mode").asText()).isEqualTo("calibrated");
    double tpot = j.get("tpotSeconds").asDouble();
    // Weight streaming alone: 16 GB at 3.35 TB/s is 4.8 ms.
    assertThat(tpot).isBetween(5e-3, 9e-3);
    assertThat(j.get("tokensPerSecond").asDouble())
        .isCloseTo(8 / tpot, org.assertj.core.data.Percentage.withPercentage(1e-9));
    assertThat(j.get("ttftSeconds").asDouble()).isGreaterThan(tpot);
    assertThat(j.get("decode")).isNotEmpty();
    assertThat(j.get("decode").get(0).has("bound")).isTrue();
  }

  @Test
  void tensorParallelShortensTpotAndAddsAllReduces() {
    JsonNode one = infer("1").json();
    JsonNode four = infer("4").json();
    assertThat(four.get("tpotSeconds").asDouble()).isLessThan(one.get("tpotSeconds").asDouble());
    boolean hasAllReduce = false;
    for (JsonNode op : four.get("decode")) {
      hasAllReduce |= op.get("name").asText().endsWith("all_reduce");
    }
    assertThat(hasAllReduce).isTrue();
  }

  @Test
  void expertParallelSplitsTheExpertsAndAddsAllToAll() {
    CliHarness one = mixtral("1");
    CliHarness two = mixtral("2");
    assertThat(two.exitCode()).as(two.err()).isZero();
    JsonNode a = one.json();
    JsonNode b = two.json();
    boolean dispatch = false;
    boolean combine = false;
    for (JsonNode op : b.get("decode")) {
      dispatch |= op.get("name").asText().equals("moe.dispatch");
      combine |= op.get("name").asText().equals("moe.combine");
    }
    assertThat(dispatch && combine).isTrue();
    // half the routed experts per GPU: Mixtral-8x7B's experts are 45.1 of its 46.7 B parameters
    assertThat(b.get("weightBytesPerGpu").asDouble() / a.get("weightBytesPerGpu").asDouble())
        .isBetween(0.5, 0.56);
    assertThat(b.get("notes").toString()).contains("EP 2");
  }

  @Test
  void expertParallelNeedsAnMoeModelAndADivisor() {
    CliHarness dense =
        CliHarness.line(
            "infer --model llama-3.1-8b --gpu h200-sxm --ep 2 --batch 8 --prompt 128 --output 8");
    dense.isBadInput("--ep");
    CliHarness three = mixtral("3");
    three.isBadInput("--ep", "8 routed experts");
  }

  /**
   * vLLM's {@code --enable-expert-parallel}: the experts whole over the TP ranks of one group, no
   * all-to-all, the same weights per GPU as tensor-split experts; with {@code --ep} it is refused.
   */
  @Test
  void expertsOnTheTpRanksAddNoAllToAll() {
    String line =
        "infer --model qwen3-30b-a3b --gpu h100-sxm --tp 4 --batch 32 --prompt 512 --output 16";
    CliHarness split = CliHarness.line(line, "--json");
    CliHarness whole = CliHarness.line(line, "--enable-expert-parallel", "--json");
    assertThat(whole.exitCode()).as(whole.err()).isZero();
    JsonNode a = split.json();
    JsonNode b = whole.json();
    assertThat(b.get("weightBytesPerGpu").asLong()).isEqualTo(a.get("weightBytesPerGpu").asLong());
    assertThat(b.get("decode").toString()).doesNotContain("moe.dispatch");
    assertThat(b.get("tpotSeconds").asDouble()).isNotEqualTo(a.get("tpotSeconds").asDouble());
    assertThat(b.get("notes").toString()).contains("32 of the 128 routed experts whole");
    CliHarness text = CliHarness.line(line, "--enable-expert-parallel");
    assertThat(text.out()).startsWith("qwen3-30b-a3b on h100-sxm (TP 4, PP 1, experts over the TP");
    CliHarness.line(line, "--enable-expert-parallel", "--ep", "2")
        .isBadInput("--enable-expert-parallel", "--ep 2");
    CliHarness.line(
            "infer --model llama-3.1-8b --gpu h100-sxm --tp 2 --enable-expert-parallel"
                + " --prompt 128 --output 8")
        .isBadInput("--enable-expert-parallel", "needs an MoE model");
  }

  private static CliHarness mixtral(String ep) {
    return CliHarness.line(
        "infer --model mixtral-8x7b --gpu h200-sxm --ep",
        ep,
        "--batch",
        "64",
        "--prompt",
        "512",
        "--output",
        "16",
        "--json");
  }

  private static CliHarness infer(String tp) {
    return CliHarness.line(
        "infer --model llama-3.1-70b --gpu h100-sxm --tp",
        tp,
        "--batch",
        "4",
        "--prompt",
        "512",
        "--output",
        "128",
        "--weights-dtype",
        "fp8",
        "--json");
  }

  @Test
  void mlaLatentReadsLessThanExpanded() {
    JsonNode latent = mla("latent").json();
    JsonNode expanded = mla("expanded").json();
    assertThat(latent.get("kvBytesPerGpu").asLong())
        .isLessThan(expanded.get("kvBytesPerGpu").asLong());
    assertThat(latent.get("tpotSeconds").asDouble())
        .isLessThan(expanded.get("tpotSeconds").asDouble());
  }

  private static CliHarness mla(String layout) {
    return CliHarness.line(
        "infer --model deepseek-v2-lite --gpu h200-sxm --batch 16 "
            + "--prompt 8192 --output 256 --mla",
        layout,
        "--json");
  }

  @Test
  void badTpIsBadInput() {
    CliHarness r =
        CliHarness.line("infer --model llama-3.1-8b --gpu h100-sxm --tp 3 --prompt 1 --output 1");
    r.isBadInput("--tp");
  }

  /**
   * fp8 weights run as W8A8 where the GPU has fp8 arithmetic, and weight-only (W8A16, as vLLM's FP8
   * Marlin kernels) on an A100, which has none: its decode streams half the bytes of bf16 and says
   * that weight-only GEMMs were never measured. fp8 training on an A100 is refused, naming
   * --precision (the matrix type's own check named --dtype, which train lacks).
   */
  @Test
  void fp8WeightsRunWeightOnlyOnAGpuWithoutFp8Arithmetic() {
    String a100 =
        "infer --model llama-3.1-70b --gpu a100-sxm-80gb --tp 4 --batch 8 --prompt 2048 --output 256"
            + " --json --weights-dtype ";
    JsonNode fp8 = CliHarness.line(a100 + "fp8").okJson();
    JsonNode bf16 = CliHarness.line(a100 + "bf16").okJson();
    assertThat(fp8.get("weightsDtype").asText()).isEqualTo("fp8");
    assertThat(fp8.get("tpotSeconds").asDouble())
        .isLessThan(0.8 * bf16.get("tpotSeconds").asDouble());
    assertThat(fp8.get("ttftSeconds").asDouble())
        .isCloseTo(
            bf16.get("ttftSeconds").asDouble(), within(0.02 * fp8.get("ttftSeconds").asDouble()));
    assertThat(fp8.get("notes").get(0).asText())
        .isEqualTo(
            "a100-sxm-80gb has no fp8 arithmetic: fp8 weights run weight-only, dequantised for bf16"
                + " arithmetic (W8A16, as vLLM's FP8 Marlin kernels run them)");
    assertThat(fp8.get("notes").toString())
        .contains("weight-only quantised GEMMs (8-bit weights, bf16 arithmetic");
    CliHarness.line(
            "train --model llama-3.1-8b --gpu a100-sxm-80gb --gpus 8 --seq 4096 --global-batch 64"
                + " --precision fp8")
        .isBadInput("field '--precision': a100-sxm-80gb has no fp8 arithmetic");
  }
}
