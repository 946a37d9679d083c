package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "say what a prediction rests on": the planners' answers carry the notes of the step
 * model's predictions they used (another device's calibration, a GPU without measurements, a
 * collective beyond the measured 2 GPUs or across nodes), in {@code --json} as a {@code notes}
 * array and in the text as {@code note:} lines, and each section of a report ends with them.
 */
class RestsOnTest {
  private static final String NONE = "no measurements of a100-sxm-80gb";
  private static final String NICS = "collectives across nodes";

  private static List<String> notes(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The text's {@code note:} lines, without the prefix. */
  private static List<String> noteLines(CliHarness r) {
    List<String> out = new ArrayList<>();
    for (String l : r.out().split("\n")) {
      if (l.startsWith("  note: ")) {
        out.add(l.substring("  note: ".length()));
      }
    }
    return out;
  }

  private static boolean mentions(List<String> notes, String part) {
    return notes.stream().anyMatch(n -> n.contains(part));
  }

  private static CliHarness ok(CliHarness r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  /** The {@code --json} notes of {@code line}, checked to be the text's note lines too. */
  private static List<String> jsonAndText(String line) {
    List<String> json = notes(ok(CliHarness.line(line, "--json")).json().get("notes"));
    assertThat(noteLines(ok(CliHarness.line(line)))).isEqualTo(json);
    return json;
  }

  /**
   * {@link #jsonAndText} of a plan on two A100 nodes: first the GPU's lack of measurements, and the
   * NICs.
   */
  private static List<String> onTwoA100Nodes(String line) {
    List<String> json = jsonAndText(line);
    assertThat(json.get(0)).startsWith(NONE);
    assertThat(mentions(json, NICS)).isTrue();
    return json;
  }

  /** Llama-3.1-8B trained data-parallel (ZeRO 1) on {@code gpus} of {@code gpu}. */
  private static String train(String gpu, int gpus) {
    return String.format(
        "train --model llama-3.1-8b --gpu %s --gpus %d --seq 4096 --global-batch 64"
            + " --layout dp=%d --zero 1",
        gpu, gpus, gpus);
  }

  @Test
  void trainOnTwoNodesOfAGpuWithoutMeasurementsSaysBothInJsonAndText() {
    String line = train("a100-sxm-80gb", 16);
    List<String> json = onTwoA100Nodes(line);
    assertThat(mentions(json, "reduce-scatter outside the measured range (up to 2 GPUs")).isTrue();
    assertThat(notes(CliHarness.line(line, "--json").json().get("plan").get("notes")))
        .isEqualTo(json);
  }

  @Test
  void trainOnOneH100NodeRestsOnNoOtherDeviceAndNoNic() {
    List<String> json = jsonAndText(train("h100-sxm", 8));
    assertThat(json).isNotEmpty();
    assertThat(mentions(json, "no measurements of")).isFalse();
    assertThat(mentions(json, NICS)).isFalse();
  }

  @Test
  void trainSearchGivesEachLayoutsNotesAndTheirUnion() {
    JsonNode j =
        ok(CliHarness.line(
                "train --model llama-3.1-8b --gpu h100-sxm --gpus 16 --seq 4096 --global-batch 64"
                    + " --top 3 --json"))
            .json();
    Set<String> union = new LinkedHashSet<>();
    for (JsonNode l : j.get("layouts")) {
      assertThat(l.get("notes").isArray()).isTrue();
      union.addAll(notes(l.get("notes")));
    }
    assertThat(notes(j.get("notes"))).containsExactlyElementsOf(union).isNotEmpty();
  }

  @Test
  void posttrainOnTwoNodesOfAGpuWithoutMeasurementsSaysBoth() {
    String line =
        "posttrain --model llama-3.1-8b --gpu a100-sxm-80gb --method grpo --gpus 16"
            + " --prompt-tokens 512 --response-tokens 512 --batch-prompts 64";
    onTwoA100Nodes(line);
    List<String> h100 =
        notes(
            ok(CliHarness.line(
                    line.replace("a100-sxm-80gb", "h100-sxm").replace("16", "8"), "--json"))
                .json()
                .get("notes"));
    assertThat(mentions(h100, "no measurements of")).isFalse();
    assertThat(mentions(h100, NICS)).isFalse();
  }

  @Test
  void serveOnAGpuWithoutMeasurementsSaysSo() {
    String line =
        "serve --model llama-3.1-8b --gpu mi300x --qps 2 --prompt-tokens 256 --output-tokens 32"
            + " --requests 50";
    List<String> json = notes(ok(CliHarness.line(line, "--json")).json().get("notes"));
    assertThat(mentions(json, "no measurements of mi300x")).isTrue();
    assertThat(noteLines(ok(CliHarness.line(line)))).containsAll(json);
  }

  @Test
  void serveMinGpusGivesTheAnswersNotes() {
    String line =
        "serve --model llama-3.1-8b --gpu mi300x --find-min-gpus --qps 4 --prompt-tokens 256"
            + " --output-tokens 32 --slo-ttft 1 --requests 100";
    JsonNode j = ok(CliHarness.line(line, "--json")).json();
    List<String> json = notes(j.get("notes"));
    assertThat(json).isEqualTo(notes(j.get("best").get("notes")));
    assertThat(mentions(json, "no measurements of mi300x")).isTrue();
    assertThat(noteLines(ok(CliHarness.line(line)))).isEqualTo(json);
  }

  @Test
  void everyPlanningSectionOfAReportEndsWithWhatItRestsOn(@TempDir Path tmp) throws Exception {
    Path yaml = tmp.resolve("small.yaml");
    Files.writeString(
        yaml,
        """
        title: What predictions rest on
        studies:
          - kind: infer
            id: infer-a
            title: Infer on A100
            model: llama-3.1-8b
            gpu: a100-sxm-80gb
            batch: 4
            prompt: 512
            output: 64
          - kind: serve
            id: serve-a
            title: Serve on A100
            model: llama-3.1-8b
            gpu: a100-sxm-80gb
            qps: 2
            promptTokens: "256"
            outputTokens: "32"
            requests: 50
          - kind: train
            id: train-a
            title: Train on A100
            model: llama-3.1-8b
            gpu: a100-sxm-80gb
            gpus: 16
            seq: 2048
            globalBatch: 32
          - kind: posttrain
            id: posttrain-a
            title: Posttrain on A100
            model: llama-3.1-8b
            method: grpo
            gpu: a100-sxm-80gb
            gpus: 16
            promptTokens: 256
            responseTokens: 256
            batchPrompts: 16
        """);
    Path out = tmp.resolve("r");
    ok(CliHarness.run("run", yaml.toString(), "--out", out.toString()));
    String md = Files.readString(out.resolve("report.md"));
    // run --json gives each study's notes too (a second folder: the first is not overwritten)
    JsonNode run =
        ok(CliHarness.run("run", yaml.toString(), "--out", tmp.resolve("j").toString(), "--json"))
            .json();
    assertThat(run.get("studies")).hasSize(4);
    run.get("studies").forEach(st -> assertThat(mentions(notes(st.get("notes")), NONE)).isTrue());
    for (String title : List.of("Infer", "Serve", "Train", "Posttrain")) {
      int at = md.indexOf("## " + title + " on A100");
      assertThat(at).as(title).isNotNegative();
      // up to the next section's anchor (or heading)
      int next = md.indexOf("\n<a id=", at);
      next = next < 0 ? md.indexOf("\n## ", at + 1) : next;
      String section = md.substring(at, next < 0 ? md.length() : next);
      int rests = section.lastIndexOf("What these predictions rest on: ");
      assertThat(rests).as(title).isNotNegative();
      String paragraph = section.substring(rests).strip();
      assertThat(paragraph).as(title).contains(NONE).endsWith(".");
      // the section's last block
      assertThat(section.strip()).as(title).endsWith(paragraph);
      if (title.endsWith("rain")) {
        assertThat(paragraph).as(title).contains(NICS);
      }
    }
  }

  /**
   * Types and collectives no measurement covers say so: fp8 weights in the grouped GEMM (measured
   * in bf16 only), an fp8 KV cache in decode and prefill attention (bf16 caches only), GEMMs in a
   * type other than bf16 and fp8, and all-to-all (never measured; the all-gather fit stands in).
   * The H100 has no NCCL rows of its own: its collectives name the GPU that has them, the H200.
   */
  @Test
  void unmeasuredTypesAndCollectivesSaySo() {
    List<String> grouped =
        jsonAndText(
            "predict grouped-gemm --gpu h100-sxm --experts 8 --tokens-per-expert 64 --n 14336"
                + " --k 4096 --dtype fp8");
    assertThat(grouped)
        .containsExactly(
            "grouped GEMM measured in bf16 only: fp8 (8-bit weights) timed at the bf16 rates per"
                + " byte and the same fraction of its own peak");
    assertThat(
            jsonAndText(
                "predict grouped-gemm --gpu h100-sxm --experts 8 --tokens-per-expert 64 --n 14336"
                    + " --k 4096"))
        .isEmpty();
    assertThat(jsonAndText("predict gemm --gpu h200-sxm --m 64 --n 4096 --k 4096 --dtype fp16"))
        .containsExactly(
            "GEMM measured in bf16 and fp8 only: fp16 timed at the bf16 matrix fraction of its own"
                + " peak");
    assertThat(jsonAndText("predict gemm --gpu h200-sxm --m 64 --n 4096 --k 4096 --dtype fp8"))
        .isEmpty();
    assertThat(
            jsonAndText(
                "predict attention --gpu h100-sxm --phase decode --batch 8 --heads 32 --kv-heads 8"
                    + " --head-dim 128 --context 4096 --dtype fp8"))
        .containsExactly(
            "decode attention measured over bf16 KV caches only: an 8-bit cache timed by its bytes"
                + " at the same fraction of the read bandwidth");
    List<String> infer =
        jsonAndText(
            "infer --model llama-3.1-8b --gpu h100-sxm --batch 8 --prompt 1024 --output 128"
                + " --kv-dtype fp8");
    assertThat(infer)
        .containsExactly(
            "prefill attention measured in bf16 only: bf16 with 8-bit K and V timed at the bf16"
                + " fractions",
            "decode attention measured over bf16 KV caches only: an 8-bit cache timed by its bytes"
                + " at the same fraction of the read bandwidth");
    // int4 weights run as W4A16: weight-only GEMMs, never measured
    assertThat(
            jsonAndText(
                "infer --model llama-3.1-8b --gpu h100-sxm --batch 1 --prompt 128 --output 16"
                    + " --weights-dtype int4"))
        .containsExactly(
            "weight-only quantised GEMMs (4-bit weights, bf16 arithmetic, as AWQ/GPTQ and Marlin"
                + " kernels run them) never measured: timed by their bytes at the bf16 GEMM's"
                + " fractions, dequantisation free");
    List<String> a2a =
        jsonAndText("predict collective --gpu h100-sxm --op all-to-all --gpus 2 --bytes 16777216");
    assertThat(a2a)
        .containsExactly(
            "collectives from the NCCL measurements of h200-sxm, through the link bandwidth of the"
                + " profile",
            "all-to-all not measured: timed with the all-gather fit (the same ring traffic)");
    assertThat(
            jsonAndText(
                "predict collective --gpu h200-sxm --op all-gather --gpus 2 --bytes 16777216"))
        .isEmpty();
  }
}
