package dev.hwplan.scenario.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.Scenario;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudySpec;
import dev.hwplan.serving.EngineConfig;
import dev.hwplan.serving.Preemption;
import dev.hwplan.serving.ServingResult;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The serve study takes the newer serving options under the flags' names in camelCase, and a bad
 * value names its field and line.
 */
class ServeStudyTest {
  static final StudyContext CTX = new StudyContext(ProfileCatalog.bundled(), true);
  static final ServeStudy STUDY = new ServeStudy();

  static final String BASE =
      """
      title: t
      studies:
        - kind: serve
          qps: 8
          promptTokens: uniform:200:1000
          outputTokens: 150
          requests: 200
      """;

  static List<Point> points(String more) {
    String fields = more.contains("model:") ? more : "model: llama-3.1-8b\n" + more;
    Scenario s = Scenario.parse("serve.yaml", BASE + fields.indent(4), null);
    StudySpec spec = s.studies().get(0);
    Set<String> known = new HashSet<>(STUDY.defaults().keySet());
    known.addAll(STUDY.required());
    return spec.points(STUDY.defaults(), known);
  }

  static List<ServingResult> simulate(String more) {
    return points(more).stream().map(p -> STUDY.compute(p, CTX)).toList();
  }

  @Test
  void sharedPrefixesAreFoundWithPrefixCachingOnly() {
    List<ServingResult> r =
        simulate(
            """
            replicas: 2
            routing: prefix-affinity
            sharedPrefixTokens: 1500
            sharedPrefixes: 2
            prefixCaching: [true, false]
            """);
    assertThat(r.get(0).prefixCacheHitRate()).isGreaterThan(0.5);
    assertThat(r.get(1).prefixCacheHitRate()).isNull();
    assertThat(r.get(0).ttftSeconds().mean()).isLessThan(r.get(1).ttftSeconds().mean());
  }

  @Test
  void speculativeDecodingGivesTheFormulasTokensPerVerifyStep() {
    ServingResult r =
        simulate(
                """
                speculativeMethod: ngram
                numSpeculativeTokens: 3
                acceptanceRate: 0.7
                """)
            .get(0);
    // (1 - 0.7^4) / (1 - 0.7) = 2.533 (Leviathan et al. 2023, eq. 1)
    assertThat(r.tokensPerVerifyStep()).isBetween(2.40, 2.65);
    assertThat(r.completedRequests()).isEqualTo(200);
  }

  @Test
  void disaggregationSendsTheKvCacheAcrossTheLink() {
    ServingResult r =
        simulate(
                """
                prefillReplicas: 1
                decodeReplicas: 2
                kvLink: nic
                """)
            .get(0);
    assertThat(r.meanKvTransferSeconds()).isPositive();
    assertThat(r.completedRequests()).isEqualTo(200);
  }

  /** {@code ep: 2} (ranks of their own) and {@code enableExpertParallel} (over the TP ranks). */
  @ParameterizedTest
  @CsvSource({"'ep: 2',ep", "'tp: 2\nenableExpertParallel: true',enableExpertParallel"})
  void expertParallelServesAnMoeModelOnly(String layout, String field) {
    ServingResult r = simulate("model: qwen3-30b-a3b\n" + layout).get(0);
    assertThat(r.completedRequests()).isEqualTo(200);
    assertThatThrownBy(() -> simulate(layout))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("serve.yaml: field 'studies[0]." + field + "'")
        .hasMessageContaining("needs an MoE model");
  }

  /** The engine's knobs, under the flags' names in camelCase, reach the engine. */
  @Test
  void engineKnobsReachTheEngine() {
    String knobs =
        """
        preemption: swap
        maxNumBatchedTokens: 2048
        maxNumSeqs: 64
        blockSize: 32
        gpuMemUtil: 0.8
        engineOverheadMs: 1
        """;
    EngineConfig e = ServePoint.of(points(knobs).get(0), CTX).plan().engine();
    assertThat(e.preemption()).isEqualTo(Preemption.SWAP);
    assertThat(e.maxNumBatchedTokens()).isEqualTo(2048);
    assertThat(e.maxNumSeqs()).isEqualTo(64);
    assertThat(e.blockSize()).isEqualTo(32);
    assertThat(e.engineOverheadSeconds()).isEqualTo(1e-3);
    EngineConfig d = ServePoint.of(points("").get(0), CTX).plan().engine();
    assertThat(e.kvBlocks()).isLessThan(d.kvBlocks()); // 0.8 of the memory, in 32-token blocks
    assertThat(simulate(knobs).get(0).completedRequests()).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "speculativeMethod: foo|speculativeMethod|unknown method 'foo'",
        "speculativeMethod: eagle|acceptanceRate|is required with speculativeMethod",
        "'speculativeMethod: ngram\nacceptanceRate: 1.5'|acceptanceRate|within 0..1",
        "'speculativeMethod: ngram\nacceptanceRate: 0.5\nnumSpeculativeTokens: 0'"
            + "|numSpeculativeTokens|at least 1",
        "'speculativeMethod: draft\nacceptanceRate: 0.5'|speculativeModel|",
        "acceptanceRate: 0.5|acceptanceRate|only with speculativeMethod",
        "routing: sideways|routing|",
        "prefixCaching: maybe|prefixCaching|true or false",
        "sharedPrefixFraction: 2|sharedPrefixFraction|within 0..1",
        "turns: -3|turns|",
        "decodeReplicas: 2|prefillReplicas|needs both",
        "'prefillReplicas: 1\ndecodeReplicas: 1\nreplicas: 2'|replicas|instead",
        "'prefillReplicas: 1\ndecodeReplicas: 1\nkvLink: warp'|kvLink|not nvlink, nic",
        "'prefillReplicas: 1\ndecodeReplicas: 1\nprefillGpu: tpu'|prefillGpu|unknown GPU",
        "kvLink: nic|kvLink|only with prefillReplicas",
        "preemption: evict|preemption|",
        "maxNumBatchedTokens: 8|maxNumBatchedTokens|smaller than the KV block size",
        "maxNumSeqs: 0|maxNumSeqs|",
        "gpuMemUtil: 1.5|gpuMemUtil|(0, 1]",
        "engineOverheadMs: -1|engineOverheadMs|must not be negative",
      })
  void badValuesNameTheirField(String more, String field, String reason) {
    assertThatThrownBy(() -> simulate(more.replace("\\n", "\n")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("serve.yaml: field 'studies[0]." + field + "'")
        .hasMessageContaining(reason == null ? "" : reason)
        .hasMessageContaining("(line ");
  }

  /** vllm caches their prefixes (the hybrid manager); the whole-prompt policies do not. */
  @Test
  void slidingWindowModelsRefuseAskedForPrefixCachingWithWholePromptPolicies() {
    assertThatThrownBy(
            () ->
                simulate(
                    """
                    model: gemma-3-27b
                    policy: sarathi
                    prefixCaching: true
                    """))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("serve.yaml: field 'studies[0].prefixCaching'")
        .hasMessageContaining("sliding-window");
  }
}
