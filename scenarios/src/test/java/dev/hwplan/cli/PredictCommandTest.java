package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
  @TempDir Path dir;

  @Test
  void gemmJsonHasSecondsIntervalBoundAndEfficiency() {
    CliHarness r = CliHarness.line("predict gemm --gpu h100-sxm --m 8192 --n 8192 --k 8192 --json");
    JsonNode j = r.okJson();
    assertThat(j.get("mode").asText()).isEqualTo("calibrated");
    assertThat(j.get("bound").asText()).isEqualTo("compute");
    double s = j.get("seconds").asDouble();
    // 1.1 TFLOP at 989 TFLOP/s is 1.11 ms; cuBLAS measured 1.52 ms.
    assertThat(s).isBetween(1.3e-3, 1.8e-3);
    assertThat(j.get("lowSeconds").asDouble()).isLessThanOrEqualTo(s);
    assertThat(j.get("highSeconds").asDouble()).isGreaterThanOrEqualTo(s);
    assertThat(j.get("efficiency").asDouble()).isBetween(0.6, 0.85);
  }

  @Test
  void solModeIsTheRoofline() {
    CliHarness r =
        CliHarness.line("predict gemm --gpu h100-sxm --m 1 --n 4096 --k 4096 --mode sol --json");
    assertThat(r.json().get("seconds").asDouble())
        .isCloseTo(
            (4096.0 * 4096 + 4096 + 4096) * 2 / 3352e9,
            org.assertj.core.data.Percentage.withPercentage(1e-6));
  }

  @Test
  void attentionAndCollectiveHumanOutput() {
    CliHarness a =
        CliHarness.line(
            "predict attention --gpu h200-sxm --batch 8 --heads 32 "
                + "--kv-heads 8 --head-dim 128 --context 4096");
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).contains("attention on h200-sxm (calibrated)").contains("bound");
    CliHarness c =
        CliHarness.line(
            "predict collective --gpu h200-sxm --op all-reduce --gpus 2 "
                + "--bytes 1048576 --mode measured --json");
    assertThat(c.json().get("mode").asText()).isEqualTo("measured");
  }

  /**
   * {@code hwplan predict --input} of a file {@code name} in the test's folder holding {@code ops}.
   */
  private CliHarness predictInput(String name, String ops) {
    return CliHarness.onFile(dir.resolve(name), ops, "predict", "--input");
  }

  @Test
  void inputFilePrintsOneResultPerLineInOrder() {
    CliHarness r =
        predictInput(
            "ops.jsonl",
            "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":64,\"n\":4096,\"k\":4096,\"dtype\":\"bf16\"}\n"
                + "\n"
                + "{\"op\":\"attention\",\"gpu\":\"h100-sxm\",\"phase\":\"decode\",\"batch\":8,\"heads\":32,"
                + "\"kvHeads\":8,\"headDim\":128,\"context\":4096,\"dtype\":\"bf16\"}\n"
                + "{\"op\":\"collective\",\"collective\":\"all-reduce\",\"gpu\":\"h200-sxm\",\"gpus\":2,"
                + "\"bytes\":1048576,\"mode\":\"sol\"}\n");
    JsonNode a = r.okJson();
    assertThat(a).hasSize(3);
    assertThat(a.get(0).get("op").asText()).isEqualTo("gemm");
    assertThat(a.get(1).get("op").asText()).isEqualTo("attention-decode");
    assertThat(a.get(2).get("op").asText()).isEqualTo("collective");
    assertThat(a.get(2).get("mode").asText()).isEqualTo("sol");
  }

  @Test
  void aBadLineNamesTheFileTheLineAndTheField() {
    CliHarness r =
        predictInput(
            "bad.jsonl",
            "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":64,\"n\":4096,\"k\":4096}\n"
                + "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":-1,\"n\":4096,\"k\":4096}\n");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("bad.jsonl:2").contains("'m'").doesNotContain("Exception");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void unknownGpuAndBadDtypeOnALineAreBadInput() {
    CliHarness r =
        predictInput(
            "bad.jsonl",
            "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":1,\"n\":1,\"k\":1,\"dtype\":\"fp7\"}\n");
    r.isBadInput("bad.jsonl:1", "'dtype'");
    r = predictInput("bad.jsonl", "{\"op\":\"gemm\",\"gpu\":\"tpu-v9\",\"m\":1,\"n\":1,\"k\":1}\n");
    r.isBadInput("bad.jsonl:1", "'gpu'");
    r =
        predictInput(
            "bad.jsonl",
            "{\"op\":\"gemm\",\"gpu\":\"a100-sxm-80gb\",\"m\":1,\"n\":1,\"k\":1,\"dtype\":\"fp8\"}\nnot json\n");
    r.isBadInput("bad.jsonl:1", "fp8");
  }

  @Test
  void missingInputFileIsBadInput() {
    CliHarness r = CliHarness.run("predict", "--input", dir.resolve("none.jsonl").toString());
    r.isBadInput("none.jsonl", "no such file");
  }

  /** A collective over more GPUs than a DGX H100 node holds says it stayed on one NVLink domain. */
  @Test
  void collectiveBeyondANodeSaysItStaysOnTheScaleUpLink() {
    String beyond = "more than a node of dgx-h100 holds (8): timed as one scale-up domain";
    CliHarness sixteen =
        CliHarness.line("predict collective --gpu h100-sxm --op all-reduce --gpus 16 --bytes 64e6");
    assertThat(sixteen.exitCode()).isZero();
    assertThat(sixteen.out()).contains("16 GPUs are " + beyond);
    CliHarness eight =
        CliHarness.line("predict collective --gpu h100-sxm --op all-reduce --gpus 8 --bytes 64e6");
    assertThat(eight.out()).doesNotContain(beyond);
  }
}
