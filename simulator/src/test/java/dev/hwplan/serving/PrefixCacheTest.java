package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prefix caching against hand-computed cases: the hit tokens follow from the block size, the shared
 * content, the cap of vLLM V1 (a hit never covers a request's last token), and LRU eviction with a
 * request's blocks freed last-first.
 */
class PrefixCacheTest {
  /** 5 ms plus 20 us a prefill token: fewer tokens computed, a shorter prefill. */
  static final IterationTimer TIMER =
      (n, ctx, k, tokens, prefix) -> {
        double t = 5e-3;
        for (int i = 0; i < k; i++) {
          t += 20e-6 * tokens[i];
        }
        return t;
      };

  static EngineConfig engine(long blocks, boolean caching) {
    return new EngineConfig(Policy.VLLM, 8192, 64, 16, blocks, Preemption.RECOMPUTE, 0, 0, 0)
        .withPrefixCaching(caching);
  }

  static ServingSimulator.Run run(EngineConfig e, Workload w, List<double[]> ttft) {
    ServingSimulator.Spec spec =
        new ServingSimulator.Spec(e, 1, Routing.LEAST_OUTSTANDING, w, 1 << 20, 0, 0, false);
    return ServingSimulator.run(
        spec,
        TIMER,
        (req, s, now) -> ttft.add(new double[] {req.id[s], req.firstToken[s] - req.arrival[s]}));
  }

  @Test
  void aSystemPromptSharedByEveryRequestIsComputedOnce() {
    // 64-token prefix (4 blocks of 16) + 36 own tokens; one user, so each request runs alone
    Workload w =
        Workload.closed(1, LengthDistribution.fixed(36), LengthDistribution.fixed(4), 10, 3)
            .withSharing(new Workload.Sharing(64, 1, 1, null, 0));
    List<double[]> ttft = new ArrayList<>();
    ServingResult r = run(engine(1000, true), w, ttft).result();
    // the first request finds nothing; each of the other 9 finds the 4 prefix blocks: block 4
    // (tokens 64-79) is the request's own content
    assertThat(r.prefixCacheHitTokens()).isEqualTo(9 * 64);
    assertThat(r.prefixCacheHitRate()).isCloseTo(576 / 1000.0, within(1e-12));
    // and skips computing them: 64 tokens x 20 us
    assertThat(ttft.get(0)[1] - ttft.get(1)[1]).isCloseTo(64 * 20e-6, within(1e-9));
    ServingResult off = run(engine(1000, false), w, new ArrayList<>()).result();
    assertThat(off.prefixCacheHitRate()).isNull();
    assertThat(off.ttftSeconds().mean()).isGreaterThan(r.ttftSeconds().mean());
  }

  @Test
  void evictionIsLeastRecentlyFreedFirstAndAHitNeverCoversTheLastToken(@TempDir Path dir)
      throws IOException {
    // 8 blocks. r0 (prefix A) holds 7 and frees them last-first: the free queue is then
    // [7, 6(own), 5(own), 4(own), 3(A3), 2(A2), 1(A1), 0(A0)]. r1 (prefix B) takes 7 from the
    // head, evicting A1-A3 but not A0. r2 (prefix A) finds A0 only: 16 tokens. It then caches
    // A1-A3 again; r3, a prompt that is all prefix A (64 tokens), may find at most (64-1)/16 = 3
    // blocks: 48 tokens.
    Path f = dir.resolve("t.csv");
    Files.writeString(
        f,
        "arrival_s,prompt_tokens,output_tokens,prefix_id,prefix_tokens\n"
            + "0,100,1,A,64\n"
            + "10,100,1,B,64\n"
            + "20,100,1,A,64\n"
            + "30,64,1,A,64\n");
    List<double[]> ttft = new ArrayList<>();
    ServingSimulator.Run run = run(engine(8, true), Workload.trace(f, -1), ttft);
    ServingResult r = run.result();
    assertThat(r.completedRequests()).isEqualTo(4);
    assertThat(r.prefixCacheHitTokens()).isEqualTo(16 + 48);
    assertThat(r.prefixCacheHitRate()).isCloseTo(64 / 364.0, within(1e-12));
    assertThat(ttft.get(0)[1] - ttft.get(2)[1]).isCloseTo(16 * 20e-6, within(1e-9));
    assertThat(run.replicas().get(0).freeBlocks()).isEqualTo(8);
  }

  @Test
  void aConversationFindsItsHistory() {
    // one conversation of 3 turns: messages of 40 tokens, answers of 10. Turn 1 computes 49
    // tokens (the last sampled token has no KV): 3 full blocks. Turn 2's prompt is 40 + 10 + 40 =
    // 90 tokens, 48 found; it computes 99: 6 full blocks. Turn 3's prompt is 140 tokens, 96 found.
    Workload w =
        Workload.closed(1, LengthDistribution.fixed(40), LengthDistribution.fixed(10), 3, 5)
            .withSharing(new Workload.Sharing(0, 0, 1, LengthDistribution.fixed(3), 0));
    List<double[]> ttft = new ArrayList<>();
    ServingResult r = run(engine(1000, true), w, ttft).result();
    assertThat(r.completedRequests()).isEqualTo(3);
    assertThat(r.totalPromptTokens()).isEqualTo(40 + 90 + 140);
    assertThat(r.prefixCacheHitTokens()).isEqualTo(48 + 96);
    assertThat(r.prefixCacheHitRate()).isCloseTo(144 / 270.0, within(1e-12));
  }

  /** {@code base} as two-turn conversations whose users think {@code seconds} on average. */
  private static ServingResult withThinkTime(Workload base, double seconds) {
    Workload w =
        base.withSharing(new Workload.Sharing(0, 0, 1, LengthDistribution.fixed(2), seconds));
    return run(engine(1000, true), w, new ArrayList<>()).result();
  }

  @Test
  void thinkTimeDelaysTheNextTurn() {
    Workload base =
        Workload.closed(1, LengthDistribution.fixed(40), LengthDistribution.fixed(10), 40, 5);
    ServingResult none = withThinkTime(base, 0);
    ServingResult slow = withThinkTime(base, 3);
    // 20 conversations, each waiting an exponential think time of mean 3 s once
    assertThat(slow.durationSeconds() - none.durationSeconds())
        .isBetween(20 * 3 * 0.5, 20 * 3 * 1.5);
  }

  @Test
  void withNothingSharedCachingChangesNothing() {
    Workload w = Workloads.poisson(20, "uniform:10:900", "uniform:1:300", 2000, 9);
    ServingResult on = run(engine(4000, true), w, new ArrayList<>()).result();
    ServingResult off = run(engine(4000, false), w, new ArrayList<>()).result();
    assertThat(on.preemptions()).isZero();
    assertThat(on.prefixCacheHitTokens()).isZero();
    assertThat(on.ttftSeconds()).isEqualTo(off.ttftSeconds());
    assertThat(on.itlSeconds()).isEqualTo(off.itlSeconds());
    assertThat(on.e2eSeconds()).isEqualTo(off.e2eSeconds());
  }

  @Test
  void aPreemptedRequestFindsItsOwnBlocksAgain() {
    // a cache small enough to preempt: with caching the readmitted requests find some of what
    // they had computed
    Workload w = Workloads.poisson(40, "uniform:100:900", "uniform:100:400", 1500, 4);
    ServingResult on = run(engine(300, true), w, new ArrayList<>()).result();
    assertThat(on.preemptions()).isPositive();
    assertThat(on.prefixCacheHitTokens()).isPositive();
  }

  @Test
  void prefixAffinityKeepsConversationsWhereTheirHistoryIs() {
    Workload w =
        Workloads.poisson(8, "uniform:50:400", "uniform:20:200", 3000, 2)
            .withSharing(
                new Workload.Sharing(512, 0.5, 4, LengthDistribution.parse("uniform:1:8", "t"), 1));
    double[] hit = new double[2];
    Routing[] routings = {Routing.LEAST_OUTSTANDING, Routing.PREFIX_AFFINITY};
    for (int i = 0; i < 2; i++) {
      ServingSimulator.Spec spec =
          new ServingSimulator.Spec(engine(4000, true), 4, routings[i], w, 1 << 20, 0, 0, false);
      ServingResult r = ServingSimulator.run(spec, TIMER);
      assertThat(r.completedRequests()).isEqualTo(3000);
      hit[i] = r.prefixCacheHitRate();
    }
    assertThat(hit[1])
        .as("affinity %s vs least outstanding %s", hit[1], hit[0])
        .isGreaterThan(hit[0] + 0.1);
  }

  @Test
  void sameSeedSameResult() {
    Workload w =
        Workload.open(
                30,
                0.5,
                LengthDistribution.parse("lognormal:400:300", "p"),
                LengthDistribution.parse("uniform:1:300", "o"),
                2000,
                8)
            .withSharing(
                new Workload.Sharing(256, 0.7, 3, LengthDistribution.parse("uniform:1:5", "t"), 2));
    ServingSimulator.Spec spec =
        new ServingSimulator.Spec(
            engine(500, true), 3, Routing.PREFIX_AFFINITY, w, 8192, 0, 0, false);
    assertThat(ServingSimulator.run(spec, TIMER)).isEqualTo(ServingSimulator.run(spec, TIMER));
  }
}
