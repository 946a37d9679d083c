package dev.hwplan.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  private static final StudyContext CTX = new StudyContext(ProfileCatalog.bundled(), true);

  private static Scenario parse(String yaml) {
    return Scenario.parse("s.yaml", yaml, null);
  }

  private static List<Point> points(String yaml) {
    Scenario s = parse(yaml);
    StudySpec spec = s.studies().get(0);
    Study<?> study = spec.kind().create();
    java.util.Set<String> known = new java.util.HashSet<>(study.defaults().keySet());
    known.addAll(study.required());
    return spec.points(study.defaults(), known);
  }

  @Test
  void listsAndRangesFormACartesianProductFirstFieldSlowest() {
    List<Point> ps =
        points(
            """
            title: t
            studies:
              - kind: memory
                model: llama-3.1-70b
                gpu: [h100-sxm, h200-sxm]
                tp: {from: 1, to: 8, times: 2}
                context: {from: 1024, to: 3072, step: 1024}
            """);
    assertThat(ps).hasSize(2 * 4 * 3);
    assertThat(ps.get(0).text("gpu")).isEqualTo("h100-sxm");
    assertThat(ps.get(0).whole("tp", 1)).isEqualTo(1);
    assertThat(ps.get(1).whole("context", 1)).isEqualTo(2048);
    assertThat(ps.get(3).whole("tp", 1)).isEqualTo(2);
    assertThat(ps.get(12).text("gpu")).isEqualTo("h200-sxm");
    assertThat(ps.get(23).whole("tp", 1)).isEqualTo(8);
    assertThat(ps.get(23).whole("context", 1)).isEqualTo(3072);
    // defaults fill the fields not written
    assertThat(ps.get(0).text("weightsDtype")).isEqualTo("bf16");
  }

  @Test
  void posttrainStudyTakesQloraTargetsAndARewardModel() {
    List<Point> ps =
        points(
            """
            title: t
            studies:
              - kind: posttrain
                model: llama-3.1-8b
                method: ppo
                qlora: true
                loraTargets: q,v
                rewardModel: mistral-7b
                promptTokens: 512
                responseTokens: 512
                batchPrompts: 8
            """);
    var run = new dev.hwplan.scenario.study.PostTrainStudy().evaluate(ps.get(0), CTX);
    var copies = run.plan().copies();
    assertThat(copies.get(0).dtype()).isEqualTo("nf4+lora");
    // QLoRA's default rank 64 on q and v of Llama-3.1-8B's 32 layers
    assertThat(copies.get(0).trainableParams()).isEqualTo(32.0 * 64 * (8192 + 5120));
    assertThat(copies.get(2).model()).isEqualTo("mistral-7b");
    // a sweep over methods gives the reward model to the methods that score rollouts only
    List<Point> sweep =
        points(
            """
            title: t
            studies:
              - kind: posttrain
                model: llama-3.1-8b
                method: [dpo, ppo]
                rewardModel: mistral-7b
                promptTokens: 512
                responseTokens: 512
                batchPrompts: 8
            """);
    var dpo = new dev.hwplan.scenario.study.PostTrainStudy().evaluate(sweep.get(0), CTX);
    var ppo = new dev.hwplan.scenario.study.PostTrainStudy().evaluate(sweep.get(1), CTX);
    assertThat(dpo.plan().copies()).noneMatch(c -> c.model().equals("mistral-7b"));
    assertThat(ppo.plan().copies()).anyMatch(c -> c.model().equals("mistral-7b"));
    assertBad(
        """
        title: t
        studies:
          - kind: posttrain
            model: llama-3.1-8b
            method: sft
            loraRank: 8
            loraTargets: q,w
        """,
        "studies[0].loraTargets",
        7,
        "unknown LoRA target 'w'");
  }

  @Test
  void posttrainStudyTakesTheHybridEngineAndTheZeroStage() {
    List<Point> ps =
        points(
            """
            title: hybrid engine
            studies:
              - kind: posttrain
                gpus: 8
                method: ppo
                model: llama-3.1-8b
                engine: ds-hybrid
                inferenceTp: 2
                gatherLayers: 8
                generationBatch: 4
                loraRank: 16
                loraTrainRest: true
                promptTokens: 256
                responseTokens: 256
                batchPrompts: 64
            """);
    var run = new dev.hwplan.scenario.study.PostTrainStudy().evaluate(ps.get(0), CTX);
    assertThat(run.plan().rollout().tp()).isEqualTo(2);
    assertThat(run.plan().rollout().concurrentSequences()).isEqualTo(8);
    // the embeddings and head train with the adapter
    assertThat(run.plan().copies().get(0).trainableParams()).isGreaterThan(2.0 * 128_256 * 4096);
    assertBad(
        """
        title: stage 2
        studies:
          - kind: posttrain
            engine: ds-hybrid
            inferenceTp: 2
            policyZeroStage: 2
            method: ppo
            model: llama-3.1-8b
        """,
        "studies[0].inferenceTp",
        5,
        "needs the policy at ZeRO stage 3");
  }

  @Test
  void logSpacedPointsIncludeBothEnds() {
    List<JsonNode> v =
        Sweep.values(
            YamlDoc.parse("x", "a: 1"),
            "/a",
            Scenario.MAPPER.valueToTree(Map.of("from", 1e20, "to", 1e24, "points", 5)));
    assertThat(v).hasSize(5);
    assertThat(v.get(0).asDouble()).isEqualTo(1e20);
    assertThat(v.get(2).asDouble())
        .isCloseTo(1e22, org.assertj.core.data.Percentage.withPercentage(1e-9));
    assertThat(v.get(4).asDouble())
        .isCloseTo(1e24, org.assertj.core.data.Percentage.withPercentage(1e-9));
  }

  private static void assertBad(String yaml, String field, int line, String reason) {
    assertThatThrownBy(
            () -> {
              Scenario s = parse(yaml);
              new ScenarioRunner(CTX, ScenarioRunner.Progress.NONE).run(s, "test");
            })
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> {
              InvalidInputException x = (InvalidInputException) e;
              assertThat(x.source()).isEqualTo("s.yaml");
              assertThat(x.field()).isEqualTo(field);
              assertThat(x.reason()).contains(reason).contains("(line " + line + ")");
              assertThat(x.getMessage()).doesNotContain("\n");
              assertThat(x.getMessage().split("\\(line ", -1)).as("one line number").hasSize(2);
            });
  }

  @Test
  void mistakesNameTheFileTheFieldAndTheLine() {
    assertBad(
        """
        title: t
        studies:
          - kind: memory
            model: llama-3.1-70b
            gpu: h100-sxm
            tp: [1, 3]
        """,
        "studies[0].tp",
        6,
        "does not divide");
    assertBad(
        """
        title: t
        studies:
          - kind: kv
            model: llama-3.1-70b
          - kind: memory
            model: llama-3.1-70b
            gpu: a100-sxm-81gb
        """,
        "studies[1].gpu",
        7,
        "unknown GPU 'a100-sxm-81gb'");
    assertBad(
        """
        title: t
        studies:
          - kind: kv
            model: llama-3.1-70b
            contxt: 4096
        """,
        "studies[0].contxt",
        5,
        "unknown field 'contxt'");
    assertBad(
        """
        title: t
        studies:
          - kind: kv
            model: llama-3.1-70b
            context: -5
        """,
        "studies[0].context",
        5,
        "at least 1");
    assertBad(
        """
        title: t
        studies:
          - kind: kv
            model: llama-3.1-70b
            context: {from: 1024, to: 4096}
        """,
        "studies[0].context",
        5,
        "exactly one of 'step'");
    // a value the study parses itself is named once, with its own line
    assertBad(
        """
        title: t
        studies:
          - kind: train
            model: llama-3.1-8b
            gpus: 8
            globalBatch: 64
            precision: fp4
        """,
        "studies[0].precision",
        7,
        "unknown precision 'fp4'");
    assertBad(
        """
        title: t
        studies:
          - kind: posttrain
            model: llama-3.1-8b
            method: [sft, rlhf]
            promptTokens: 512
            responseTokens: 512
            batchPrompts: 8
        """,
        "studies[0].method",
        5,
        "unknown method 'rlhf'");
    assertBad(
        """
        title: t
        studies:
          - kind: nonsense
        """,
        "studies[0].kind",
        3,
        "unknown study kind");
  }

  @Test
  void malformedYamlIsBadInputWithALine() {
    assertThatThrownBy(() -> parse("title: t\nstudies: [\n  - kind: kv\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("s.yaml: ")
        .hasMessageContaining("line");
  }

  @Test
  void everyBundledScenarioParses() {
    for (String name : Scenario.BUNDLED) {
      Scenario s = Scenario.bundled(name);
      assertThat(s.studies()).as(name).isNotEmpty();
      assertThat(s.title()).as(name).isNotBlank();
    }
  }
}
