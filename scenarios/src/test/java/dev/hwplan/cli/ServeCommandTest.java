package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

class ServeCommandTest {
  /** Llama 3.1 8B on one H100. */
  private static final String LLAMA = "serve --model llama-3.1-8b --gpu h100-sxm";

  private static final String BASE = LLAMA + " --requests 300";

  private static CliHarness serve(String... more) {
    return CliHarness.line(BASE, more);
  }

  /** {@link #serve}'s answer in JSON, {@code line}'s words after {@link #BASE}; exit 0 checked. */
  private static JsonNode serveJson(String line) {
    return serve(CliHarness.args(line)).okJson();
  }

  /** {@link #LLAMA} serving the trace {@code file}, then {@code more}. */
  private static CliHarness serveTrace(Path file, String... more) {
    List<String> a = new ArrayList<>(List.of(file.toString()));
    a.addAll(List.of(more));
    return CliHarness.line(LLAMA + " --trace", a.toArray(String[]::new));
  }

  @Test
  void jsonHasTheContractsKeysInSiUnits() {
    JsonNode j =
        serveJson(
            "--qps 4 --prompt-tokens uniform:200:1500 "
                + "--output-tokens lognormal:150:80 --slo-ttft 0.5 "
                + "--slo-tpot 0.05 --json");
    for (String k : new String[] {"ttftSeconds", "tpotSeconds", "itlSeconds", "e2eSeconds"}) {
      for (String p : new String[] {"mean", "p50", "p90", "p99"}) {
        assertThat(j.get(k).get(p).asDouble()).as(k + "." + p).isPositive();
      }
      assertThat(j.get(k).get("p50").asDouble())
          .isLessThanOrEqualTo(j.get(k).get("p99").asDouble());
    }
    assertThat(j.get("requestsPerSecond").asDouble()).isBetween(3.0, 5.0);
    assertThat(j.get("outputTokensPerSecond").asDouble()).isPositive();
    assertThat(j.get("goodputRequestsPerSecond").asDouble())
        .isLessThanOrEqualTo(j.get("requestsPerSecond").asDouble());
    assertThat(j.get("sloAttainment").asDouble()).isBetween(0.0, 1.0);
    assertThat(j.get("preemptions").asLong()).isZero();
    assertThat(j.get("completedRequests").asLong()).isEqualTo(300);
    assertThat(j.get("engine").get("maxNumBatchedTokens").asInt()).isEqualTo(8192);
    assertThat(j.get("timeline")).isNotEmpty();
  }

  @Test
  void sameSeedSameOutputAndWithoutSloNoGoodput() {
    String[] args =
        CliHarness.args(
            "--concurrency 8 --prompt-tokens 512 --output-tokens 64 --policy sarathi --json");
    CliHarness a = serve(args);
    CliHarness b = serve(args);
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).isEqualTo(b.out());
    assertThat(a.json().get("goodputRequestsPerSecond").isNull()).isTrue();
    assertThat(a.json().get("policy").asText()).isEqualTo("sarathi");
  }

  @Test
  void aSharedSystemPromptIsFoundInTheCacheAndCachingCanBeTurnedOff() {
    String a =
        "--qps 4 --prompt-tokens uniform:100:300 --output-tokens 50 "
            + "--shared-prefix-tokens 1024 --shared-prefix-fraction 0.5 "
            + "--json";
    CliHarness on = serve(CliHarness.args(a));
    JsonNode j = on.okJson();
    assertThat(j.get("engine").get("prefixCaching").asBoolean()).isTrue();
    // half the requests carry 1,024 cached tokens of 1,124-1,324 (64 blocks of 16, all but the
    // first request's): about 0.5 * 1024 / (0.5 * 1024 + 200) = 0.72 of the tokens looked up
    assertThat(j.get("prefixCacheHitRate").asDouble()).isBetween(0.6, 0.8);
    assertThat(j.get("workload").asText()).contains("1024-token shared prefix on 50% of requests");
    CliHarness off = serve(CliHarness.args(a, "--no-prefix-caching"));
    assertThat(off.exitCode()).as(off.err()).isZero();
    assertThat(off.json().get("prefixCacheHitRate").isNull()).isTrue();
    assertThat(off.json().get("ttftSeconds").get("mean").asDouble())
        .isGreaterThan(j.get("ttftSeconds").get("mean").asDouble());
  }

  @Test
  void conversationsWithPrefixAffinityRun() {
    CliHarness r =
        serve(
            CliHarness.args(
                "--replicas 2 --routing prefix-affinity --qps 2 "
                    + "--prompt-tokens 200 --output-tokens 100 --turns uniform:2:6 "
                    + "--think-time 5"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("prefix    cache hit rate").contains("conversations of");
  }

  @Test
  void speculativeDecodingShortensTpotAtLowLoad() {
    String[] a = {"--qps", "0.5", "--prompt-tokens", "500", "--output-tokens", "200", "--json"};
    CliHarness plain = serve(a);
    List<String> b = new ArrayList<>(List.of(a));
    b.addAll(List.of("--speculative-method", "eagle", "--acceptance-rate", "0.7"));
    CliHarness spec = serve(b.toArray(String[]::new));
    JsonNode j = spec.okJson();
    JsonNode sp = j.get("engine").get("speculation");
    assertThat(sp.get("method").asText()).isEqualTo("eagle");
    assertThat(sp.get("numSpeculativeTokens").asInt()).isEqualTo(3);
    // (1 - 0.7^4) / (1 - 0.7)
    assertThat(sp.get("expectedTokensPerStep").asDouble()).isCloseTo(2.533, within(1e-3));
    assertThat(j.get("tokensPerVerifyStep").asDouble()).isBetween(2.3, 2.7);
    assertThat(j.get("tpotSeconds").get("mean").asDouble())
        .isLessThan(0.6 * plain.json().get("tpotSeconds").get("mean").asDouble());
    // the EAGLE layer's weights and KV leave fewer blocks
    assertThat(j.get("engine").get("kvBlocksPerReplica").asLong())
        .isLessThan(plain.json().get("engine").get("kvBlocksPerReplica").asLong());
  }

  @Test
  void aDraftModelMustShareTheVocabulary() {
    CliHarness ok =
        CliHarness.line(
            "serve --model llama-3.1-70b --gpu h100-sxm --tp 4 --qps 1 "
                + "--prompt-tokens 500 --output-tokens 100 --requests 50 "
                + "--speculative-method draft --speculative-model llama-3.1-8b "
                + "--acceptance-rate 0.8 --num-speculative-tokens 4");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("spec ").contains("llama-3.1-8b");
    CliHarness bad =
        serve(
            CliHarness.args(
                "--qps 1 --prompt-tokens 500 --output-tokens 100 "
                    + "--speculative-method draft --speculative-model qwen2.5-7b "
                    + "--acceptance-rate 0.8"));
    bad.isBadInput("--speculative-model", "vocabulary");
  }

  @Test
  void disaggregatedPrefillAndDecodeRun() {
    JsonNode j =
        serveJson(
            "--qps 8 --prompt-tokens uniform:500:2000 --output-tokens 200 "
                + "--prefill-replicas 1 --decode-replicas 2 --kv-link nic --json");
    assertThat(j.get("gpus").asInt()).isEqualTo(3);
    assertThat(j.get("disaggregated").get("kvLink").asText()).isEqualTo("nic");
    assertThat(j.get("completedRequests").asLong()).isEqualTo(300);
    // llama-3.1-8b: 131,072 B of KV a token; 500-2,000 tokens over 50 GB/s: 1.3-5.2 ms each
    assertThat(j.get("meanKvTransferSeconds").asDouble()).isBetween(1.3e-3, 6e-3);
  }

  @Test
  void findMinGpusSearchesDisaggregatedSplits() {
    CliHarness r =
        serve(
            CliHarness.args(
                "--tp 1 --weights-dtype bf16 --kv-dtype bf16 --find-min-gpus "
                    + "--disaggregated --qps 20 --prompt-tokens uniform:500:2000 "
                    + "--output-tokens 200 --slo-ttft 0.5 --slo-tpot 0.03 --json"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode best = r.json().get("best");
    assertThat(best.isNull()).isFalse();
    assertThat(best.get("prefillReplicas").asInt()).isPositive();
    assertThat(best.get("decodeReplicas").asInt()).isPositive();
    assertThat(best.get("gpus").asInt())
        .isEqualTo(best.get("prefillReplicas").asInt() + best.get("decodeReplicas").asInt());
  }

  @Test
  void aTraceTakesNoSyntheticSharing() {
    CliHarness r = serveTrace(Path.of("../scenarios/traces/synthetic-chat.csv"), "--turns", "3");
    r.isBadInput("--turns");
  }

  @Test
  void theBundledTraceRuns() {
    CliHarness r =
        CliHarness.line(
            "serve --model llama-3.1-8b --gpu h200-sxm "
                + "--trace ../scenarios/traces/synthetic-chat.csv --json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.json().get("completedRequests").asLong()).isEqualTo(240);
    // 87 of its requests carry one of two system prompts (prefix_id, prefix_tokens)
    assertThat(r.json().get("prefixCacheHitTokens").asLong()).isPositive();
  }

  @Test
  void findMaxQpsReportsTheRateAndItsSpread() {
    JsonNode j =
        serveJson(
            "--find-max-qps --prompt-tokens 1000 --output-tokens 100 "
                + "--slo-ttft 0.3 --seeds 2 --json");
    double q = j.get("maxQps").asDouble();
    assertThat(q).isPositive();
    assertThat(j.get("maxQpsLow").asDouble()).isLessThanOrEqualTo(q);
    assertThat(j.get("maxQpsHigh").asDouble()).isGreaterThanOrEqualTo(q);
    assertThat(j.get("maxQpsPerSeed")).hasSize(2);
    // --qps is where the search starts: the same answer (29.25 req/s here), in fewer runs
    JsonNode near =
        serveJson(
            "--find-max-qps --qps 8 --prompt-tokens 1000 --output-tokens 100 "
                + "--slo-ttft 0.3 --seeds 2 --json");
    assertThat(near.get("maxQps").asDouble()).isCloseTo(q, within(0.02 * q));
    assertThat(near.get("runs").asInt()).isLessThan(j.get("runs").asInt());
  }

  /**
   * A capacity from runs too short to reach steady state says so: 200 requests at the answer hold
   * most of the run in flight, and pass objectives that longer runs fail (35 against 21 req/s).
   */
  @Test
  void aCapacityFromRunsTooShortForSteadyStateSaysSo() {
    String search =
        "--prompt-tokens 1024 --output-tokens 256 --find-max-qps --slo-ttft 0.5 --slo-tpot 0.05"
            + " --seeds 1 --json --requests ";
    JsonNode shortRuns = CliHarness.line(LLAMA, CliHarness.args(search + "200")).okJson();
    List<String> notes = new ArrayList<>();
    shortRuns.get("notes").forEach(n -> notes.add(n.asText()));
    assertThat(notes)
        .anySatisfy(
            n ->
                assertThat(n).contains("a run of 200 requests at", "mostly ramp-up", "--requests"));
    JsonNode longRuns = CliHarness.line(LLAMA, CliHarness.args(search + "1500")).okJson();
    assertThat(longRuns.get("maxQps").asDouble()).isLessThan(shortRuns.get("maxQps").asDouble());
    longRuns.get("notes").forEach(n -> assertThat(n.asText()).doesNotContain("ramp-up"));
  }

  @Test
  void anEngineOnlyServesTheMinGpusSearch() {
    String small = LLAMA + " --qps 2 --prompt-tokens 100 --output-tokens 10";
    CliHarness r = CliHarness.line(small, "--engine", "spark");
    r.isBadInput("'--engine': has no effect here: only --find-min-gpus");
    CliHarness spark =
        CliHarness.line(small, CliHarness.args("--find-min-gpus --slo-ttft 0.5 --engine spark"));
    spark.isBadInput("'--engine': spark: the Spark executor is not on the class");
  }

  @Test
  void findMinGpusListsEveryCandidateWithItsReason() {
    JsonNode j =
        serveJson(
            "--tp 1 --weights-dtype bf16 --find-min-gpus --qps 30 "
                + "--prompt-tokens 1000 --output-tokens 100 --slo-ttft 0.3 "
                + "--slo-tpot 0.03 --price-per-gpu-hour 2.5 --json");
    JsonNode best = j.get("best");
    assertThat(best.get("meetsSlo").asBoolean()).isTrue();
    assertThat(best.get("dollarsPerHour").asDouble()).isEqualTo(2.5 * best.get("gpus").asInt());
    boolean rejectedWithReason = false;
    for (JsonNode c : j.get("candidates")) {
      if (!c.get("meetsSlo").asBoolean()) {
        rejectedWithReason |= c.get("reason").asText().contains("p99");
      }
      assertThat(c.get("gpus").asInt()).isEqualTo(c.get("replicas").asInt());
    }
    assertThat(rejectedWithReason).isTrue();
  }

  /** A short open-loop run of an MoE model. */
  private static final String MOE =
      "serve --model qwen3-30b-a3b --gpu h100-sxm --requests 100 "
          + "--qps 4 --prompt-tokens 500 --output-tokens 50";

  /** {@code line}'s fewest GPUs for fp8 weights and KV under p99 TTFT 0.5 s and TPOT 50 ms. */
  private static JsonNode fp8MinGpus(String line) {
    return CliHarness.line(
            line
                + " --find-min-gpus --weights-dtype fp8 --kv-dtype fp8 "
                + "--slo-ttft 0.5 --slo-tpot 0.05 --max-gpus 8 --json")
        .okJson();
  }

  /**
   * {@code --ep N} on an MoE model: N ranks per replica (TP x EP GPUs), each with its own KV cache;
   * with {@code --pp P} too, P micro-batches of N ranks (TP x PP x EP GPUs); {@code
   * --find-min-gpus} searches EP 1, 2, 4, 8 for it; an EP that does not divide the experts is
   * refused.
   */
  @Test
  void expertParallelReplicasServeAndAreSearched() {
    String moe = MOE;
    CliHarness r = CliHarness.line(moe, "--ep", "2", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.json().get("ep").asInt()).isEqualTo(2);
    assertThat(r.json().get("gpus").asInt()).isEqualTo(2);
    assertThat(r.json().get("completedRequests").asLong()).isEqualTo(100);
    CliHarness both = CliHarness.line(moe, "--ep", "2", "--pp", "2", "--json");
    assertThat(both.exitCode()).as(both.err()).isZero();
    assertThat(both.json().get("gpus").asInt()).isEqualTo(4);
    assertThat(both.json().get("completedRequests").asLong()).isEqualTo(100);
    for (String[] bad : new String[][] {{"--ep", "3"}}) {
      CliHarness e = CliHarness.line(moe, bad);
      e.isBadInput("--ep");
    }
    List<Integer> eps = new ArrayList<>();
    for (JsonNode c : fp8MinGpus(moe + " --tp 1").get("candidates")) {
      eps.add(c.get("ep").asInt());
      if (c.get("replicas").asInt() > 0) {
        assertThat(c.get("gpus").asInt())
            .isEqualTo(c.get("ep").asInt() * c.get("replicas").asInt());
      }
    }
    assertThat(eps).containsAll(List.of(1, 2, 4, 8));
  }

  /**
   * {@code --enable-expert-parallel}: a replica of TP GPUs whose experts are sharded over them (no
   * more GPUs than TP alone), said in the JSON and the notes; the search keeps EP at 1 with it.
   */
  @Test
  void expertsOnTheTpRanksServeOnTheTpGroupAndAreSearchedThatWay() {
    String moe = MOE + " --enable-expert-parallel";
    CliHarness r = CliHarness.line(moe, "--tp", "2", "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("gpus").asInt()).isEqualTo(2);
    assertThat(j.get("enableExpertParallel").asBoolean()).isTrue();
    assertThat(j.get("completedRequests").asLong()).isEqualTo(100);
    assertThat(j.get("notes").toString()).contains("64 of the 128 routed experts whole");
    for (JsonNode c : fp8MinGpus(moe).get("candidates")) {
      assertThat(c.get("ep").asInt()).isEqualTo(1);
      assertThat(c.get("expertsOnTp").asBoolean()).isTrue();
    }
    // without the flag, TP 2's two forms are both searched (TP 1 has one)
    List<String> forms = new ArrayList<>();
    for (JsonNode c : fp8MinGpus(MOE + " --tp 2 --ep 1").get("candidates")) {
      forms.add(c.get("tp").asInt() + "/" + c.get("ep").asInt() + c.get("expertsOnTp"));
    }
    assertThat(forms).containsExactly("2/1false");
    forms.clear();
    for (JsonNode c :
        fp8MinGpus(MOE.replace("--requests 100", "--requests 40") + " --tp 2").get("candidates")) {
      forms.add(c.get("tp").asInt() + "/" + c.get("ep").asInt() + c.get("expertsOnTp"));
    }
    assertThat(forms).containsExactly("2/1false", "2/1true", "2/2false", "2/4false");
    CliHarness.line(moe, "--ep", "2").isBadInput("--enable-expert-parallel");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--prompt-tokens|-5|--prompt-tokens",
        "--prompt-tokens|abc|--prompt-tokens",
        "--output-tokens|uniform:10:5|--output-tokens",
        "--output-tokens|normal:100:-1|--output-tokens",
        "--prompt-tokens|200000|context",
        "--slo-ttft|0|--slo-ttft",
        "--slo-tpot|-0.05|--slo-tpot",
        "--max-num-batched-tokens|8|block size",
        "--policy|fcfs|--policy",
        "--shared-prefix-fraction|1.5|--shared-prefix-fraction",
        "--shared-prefix-tokens|-3|--shared-prefix-tokens",
        "--shared-prefixes|0|--shared-prefixes",
        "--shared-prefix-tokens|200000|--shared-prefix-tokens",
        "--turns|0|--turns",
        "--think-time|-1|--think-time",
        "--routing|sticky|--routing",
        "--speculative-method|medusa|--speculative-method",
        "--num-speculative-tokens|3|--num-speculative-tokens",
        "--acceptance-rate|0.7|--acceptance-rate",
        "--prefill-replicas|2|--decode-replicas",
        "--kv-link|nvlink|--kv-link",
        "--prefill-tp|2|--prefill-tp",
        "--ep|2|needs an MoE model"
      })
  void badInputExitsTwoWithOneLineAndNothingOnStdout(String flag, String value, String named) {
    List<String> a =
        new ArrayList<>(List.of("--qps", "2", "--prompt-tokens", "100", "--output-tokens", "10"));
    int i = a.indexOf(flag);
    if (i >= 0) {
      a.set(i + 1, value);
    } else {
      a.add(flag);
      a.add(value);
    }
    CliHarness r = serve(a.toArray(String[]::new));
    r.isBadInput(named);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "arrival_s,prompt_tokens,output_tokens/0,10,5/2,10,5/1,10,5|t.csv:4: field 'arrival_s'",
        "arrival_s,prompt_tokens,output_tokens/-1,10,5|t.csv:2: field 'arrival_s'",
        "arrival_s,prompt_tokens,output_tokens/Infinity,10,5|finite number of seconds",
        "arrival_s,prompt_tokens,output_tokens/0x1p3,10,5|'0x1p3' is not a number",
        "arrival_s,prompt_tokens,output_tokens/0,1e20,5|must be a positive number of tokens",
        "arrival_s,prompt_tokens,output_tokens|the trace holds no requests",
        "arrival_s,prompt_tokens,output_tokens/0,ten,5|t.csv:2: field 'prompt_tokens'",
        "arrival_s,prompt_tokens,output_tokens/0,10,-5|t.csv:2: field 'output_tokens'",
        "arrival_s,prompt_tokens,output_tokens/0,200000,5|t.csv:2: field 'prompt_tokens'",
        "arrival_s,prompt_tokens/0,10|t.csv:1: field 'output_tokens'",
        "arrival_s,prompt_tokens,output_tokens,prefix_id/0,10,5,sys|t.csv:2: field 'prefix_tokens'",
        "arrival_s,prompt_tokens,output_tokens,prefix_tokens/0,10,5,4|t.csv:2: field 'prefix_id'",
        "arrival_s,prompt_tokens,output_tokens,prefix_id,prefix_tokens/0,10,5,a,11|t.csv:2: field"
            + " 'prefix_tokens'"
      })
  void badTraceLinesAreNamedByFileLineAndField(String text, String named, @TempDir Path dir)
      throws IOException {
    // lines are separated by '/' above
    Path f = Files.writeString(dir.resolve("t.csv"), text.replace('/', '\n'));
    serveTrace(f).isBadInput(named);
  }

  /** Token counts as the count flags read them; a folder is named as one. */
  @Test
  void traceCountsReadLikeFlagsAndAFolderIsNotATrace(@TempDir Path dir) throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("t.csv"), "arrival_s,prompt_tokens,output_tokens\n0,1e3,5\n0.1,1_000,5\n");
    CliHarness ok = serveTrace(f, "--json");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.json().get("completedRequests").asLong()).isEqualTo(2);
    serveTrace(dir).isBadInput("a folder, not a trace file");
  }

  @Test
  void jsonLinesTracesAreReadToo(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("t.jsonl");
    Files.writeString(
        f,
        "{\"arrivalSeconds\": 0.0, \"promptTokens\": 800, \"outputTokens\": 50}\n"
            + "{\"arrivalSeconds\": 0.5, \"promptTokens\": 300, \"outputTokens\": 20,"
            + " \"prefixId\": \"sys\", \"prefixTokens\": 100}\n"
            + "{\"arrivalSeconds\": 0.25, \"promptTokens\": 300, \"outputTokens\": 20}\n");
    CliHarness bad = serveTrace(f);
    bad.isBadInput("t.jsonl:3: field 'arrivalSeconds'");
    CliHarness ok = serveTrace(f, "--requests", "2", "--json");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.json().get("completedRequests").asLong()).isEqualTo(2);
  }

  /**
   * Gemma 3 27B's sliding layers keep their window only; prefix caching (vllm's default) finds a
   * shared prefix as vLLM's hybrid manager does; sarathi, admitting whole prompts, refuses it.
   */
  @Test
  void slidingWindowModelsServeWithTheirWindowAndCachePrefixesUnderVllm() {
    String a =
        "serve --model gemma-3-27b --gpu h100-sxm --qps 1 "
            + "--prompt-tokens 2000 --output-tokens 50 --requests 20";
    CliHarness ok = CliHarness.line(a, "--json");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.json().get("completedRequests").asLong()).isEqualTo(20);
    assertThat(ok.json().get("notes").toString())
        .contains("52 of 62 layers keep only their window")
        .contains("holds 137 of the 512 blocks");
    assertThat(ok.json().get("engine").get("prefixCaching").asBoolean()).isTrue();
    CliHarness shared = CliHarness.line(a, "--shared-prefix-tokens", "1500", "--json");
    assertThat(shared.exitCode()).as(shared.err()).isZero();
    // every request after the first finds the prefix's 93 full blocks (1,488 tokens)
    assertThat(shared.json().get("prefixCacheHitTokens").asLong()).isEqualTo(19 * 1488);
    CliHarness bad = CliHarness.line(a, "--policy", "sarathi", "--prefix-caching");
    bad.isBadInput("'--prefix-caching'", "sliding-window");
    assertThat(bad.out()).isEmpty();
  }
}
