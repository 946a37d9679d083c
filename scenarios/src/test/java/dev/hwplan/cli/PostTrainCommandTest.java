package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostTrainCommandTest {
  private static final String BASE =
      "posttrain --model llama-3.1-8b --gpu h100-sxm "
          + "--prompt-tokens 512 --response-tokens 512 --batch-prompts 64";

  private static CliHarness run(String... more) {
    return CliHarness.line(BASE, more);
  }

  @Test
  void ppoJsonHasTheContractsKeys() {
    CliHarness r = run("--method", "ppo", "--gpus", "8", "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("minGpus").asInt()).isPositive();
    JsonNode p = j.get("plan");
    assertThat(p.get("fits").asBoolean()).isTrue();
    assertThat(p.get("copies")).hasSize(4);
    for (JsonNode c : p.get("copies")) {
      assertThat(c.get("role").asText()).isIn("policy", "reference", "reward", "critic");
      assertThat(c.get("totalBytes").asDouble()).isPositive();
    }
    assertThat(p.get("copies").get(3).get("trainable").asBoolean()).isTrue();
    assertThat(p.get("time").get("generationSeconds").asDouble()).isPositive();
    assertThat(p.get("time").get("secondsPer1000Prompts").asDouble())
        .isCloseTo(
            p.get("time").get("stepSeconds").asDouble() * 1000 / 64,
            org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void qloraSftWithoutGpusTakesTheMinimum() {
    CliHarness r = run("--method", "sft", "--qlora", "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("minGpus").asInt()).isEqualTo(1);
    assertThat(j.get("plan").get("copies").get(0).get("dtype").asText()).isEqualTo("nf4+lora");
    assertThat(j.get("adapter").asText()).isEqualTo("QLoRA r64");
  }

  @Test
  void loraTargetsShrinkTheAdapter() {
    CliHarness all = run("--method", "sft", "--lora-rank", "16", "--json");
    CliHarness qv = run("--method", "sft", "--lora-rank", "16", "--lora-targets", "q,v", "--json");
    assertThat(qv.exitCode()).as(qv.err()).isZero();
    assertThat(qv.json().get("adapter").asText()).isEqualTo("LoRA r16 on q,v");
    double a = all.json().get("plan").get("copies").get(0).get("trainableParams").asDouble();
    double b = qv.json().get("plan").get("copies").get(0).get("trainableParams").asDouble();
    // Llama-3.1-8B: 32 layers x 16 x ((4096 + 4096) + (4096 + 1024)) for q and v
    assertThat(b).isEqualTo(32.0 * 16 * (8192 + 5120));
    assertThat(a).isGreaterThan(5 * b);
  }

  @Test
  void hfZero3EngineGeneratesOnTheTrainersShardsWithoutASync() {
    CliHarness r =
        run(CliHarness.args("--method ppo --gpus 8 --engine hf-zero3 --generation-batch 4 --json"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode p = r.json().get("plan");
    assertThat(p.get("time").get("weightSyncSeconds").asDouble()).isZero();
    assertThat(p.get("rollout").get("tp").asInt()).isEqualTo(1);
    assertThat(p.get("rollout").get("concurrentSequences").asInt()).isEqualTo(4);
  }

  @Test
  void hybridEngineGathersIntoItsTensorParallelGroupAndLoraTrainsTheRest() {
    String hybrid =
        "--method ppo --gpus 8 --engine ds-hybrid --inference-tp 2 --gather-layers 8"
            + " --generation-batch 4 --lora-rank 128 --json";
    JsonNode p = ok(hybrid).get("plan");
    assertThat(p.get("rollout").get("tp").asInt()).isEqualTo(2);
    // a TP group of 2 generates both GPUs' 4 prompts at once: 8 of its 64 / 4 = 16, in 2 waves
    assertThat(p.get("rollout").get("concurrentSequences").asInt()).isEqualTo(8);
    assertThat(p.get("rollout").get("waves").asInt()).isEqualTo(2);
    // the ZeRO-3 shards are gathered whole (LoRA fused into the base), not just the adapter
    assertThat(p.get("time").get("weightSyncSeconds").asDouble()).isGreaterThan(0.01);
    double adapterOnly = p.get("copies").get(0).get("trainableParams").asDouble();

    JsonNode t = ok(hybrid + " --lora-train-rest");
    assertThat(t.get("adapter").asText()).isEqualTo("LoRA r128 + rest");
    JsonNode policy = t.get("plan").get("copies").get(0);
    // Llama-3.1-8B's embeddings and head (2 x 128,256 x 4,096) and norms train with the adapter
    assertThat(policy.get("trainableParams").asDouble() - adapterOnly)
        .isGreaterThan(2.0 * 128_256 * 4096);
    assertThat(policy.get("optimizerBytes").asDouble())
        .isEqualTo(12 * policy.get("trainableParams").asDouble() / 8);
  }

  @Test
  void zeroStage2PolicyKeepsItsWeightsWholeAndGathersNothingToGenerate() {
    String hf = "--method ppo --gpus 8 --engine hf-zero3 --generation-batch 4 --offload --json";
    JsonNode z3 = ok(hf).get("plan");
    JsonNode z2 = ok(hf + " --policy-zero-stage 2").get("plan");
    for (int i : new int[] {0, 1}) { // policy and reference: whole at stage 2, an eighth at 3
      assertThat(z2.get("copies").get(i).get("weightBytes").asDouble())
          .isCloseTo(
              8 * z3.get("copies").get(i).get("weightBytes").asDouble(), withinPercentage(1e-6));
    }
    assertThat(z2.get("copies").get(3).get("weightBytes").asDouble()) // the critic stays sharded
        .isEqualTo(z3.get("copies").get(3).get("weightBytes").asDouble());
    assertThat(z2.get("time").get("generationSeconds").asDouble())
        .isLessThan(z3.get("time").get("generationSeconds").asDouble());
  }

  /** The JSON of a run with {@code args} (space-separated) that exits 0. */
  private static JsonNode ok(String args) {
    CliHarness r = run(args.split(" "));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r.json();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--method|rlhf||field '--method': unknown method 'rlhf'",
        "--method|grpo|--group-size 1|field '--group-size': GRPO needs a group of at least 2",
        "--method|sft|--lora-rank 0|field '--lora-rank': LoRA rank must be 1 to the hidden size",
        "--method|sft|--lora-rank 5000|field '--lora-rank': LoRA rank must be 1 to the hidden size"
            + " 4096",
        "--method|ppo|--reward-model nope-7b|field '--reward-model': unknown model 'nope-7b'",
        "--method|dpo|--reward-model llama-3.1-8b|field '--reward-model': applies to ppo and grpo"
            + " only (method dpo scores no rollouts)",
        "--method|ppo|--placement both|field '--placement': must be colocated or split",
        "--method|ppo|--engine deepspeed|field '--engine': unknown engine 'deepspeed'",
        "--method|ppo|--generation-batch -1|field '--generation-batch': must be 0 (as many as fit)",
        "--method|sft|--lora-rank 8 --lora-targets q,w|field '--lora-targets': unknown LoRA target"
            + " 'w'",
        "--method|sft|--lora-targets q,v|field '--lora-targets': needs --lora-rank or --qlora",
        "--method|ppo|--policy-zero-stage 1|field '--policy-zero-stage': must be 2 or 3, got 1",
        "--method|ppo|--inference-tp 3|field '--inference-tp': must be 0 (the engine's choice) or a"
            + " power of two",
        "--method|ppo|--engine hf-zero3 --inference-tp 2|field '--inference-tp': hf-zero3"
            + " generates data parallel",
        "--method|ppo|--inference-tp 16|field '--inference-tp': 16 is more than the 8 GPUs of a"
            + " node",
        "--method|ppo|--gather-layers 4|field '--gather-layers': applies to the ds-hybrid engine",
        "--method|ppo|--engine ds-hybrid --inference-tp 2 --gather-layers -1|field"
            + " '--gather-layers': must be 0 or a positive number of layers",
        "--method|ppo|--engine ds-hybrid --inference-tp 2 --policy-zero-stage 2|field"
            + " '--inference-tp': the hybrid engine's tensor parallelism needs the policy at ZeRO"
            + " stage 3",
        "--method|sft|--lora-train-rest|field '--lora-train-rest': needs --lora-rank or --qlora",
        "--method|sft|--qlora --lora-train-rest|field '--lora-train-rest': an NF4 base does not"
            + " train",
      })
  void badInputIsOneLineAndExit2(String flag, String value, String extra, String message) {
    List<String> a = new ArrayList<>(List.of(flag, value));
    if (extra != null) {
      a.addAll(List.of(extra.split(" ")));
    }
    CliHarness r = run(a.toArray(String[]::new));
    r.isBadInput(message);
  }

  /** A prompt beyond the model's context is named as the prompt, not the response. */
  @Test
  void aPromptBeyondTheContextNamesThePrompt() {
    CliHarness.line(
            "posttrain --model llama-3.1-8b --gpu h100-sxm --method sft --prompt-tokens 200000"
                + " --response-tokens 512 --batch-prompts 8")
        .isBadInput("field '--prompt-tokens': 200,000 tokens is more than");
    CliHarness.line(
            "posttrain --model llama-3.1-8b --gpu h100-sxm --method sft --prompt-tokens 131000"
                + " --response-tokens 512 --batch-prompts 8")
        .isBadInput("field '--response-tokens': 131,512 tokens is more than");
  }

  @Test
  void rewardModelThatDoesNotParseNamesTheFlagTheFileAndTheField(@TempDir Path dir)
      throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"hidden_size\": 4096,");
    CliHarness r = run("--method", "ppo", "--reward-model", broken.toString());
    r.isBadInput("field '--reward-model': " + broken + ": ", "malformed JSON");

    Path partial = Files.writeString(dir.resolve("rm.json"), "{\"hidden_size\": 4096}");
    r = run("--method", "ppo", "--reward-model", partial.toString());
    r.isBadInput("field '--reward-model': " + partial + ", field 'model_type': missing");
  }
}
