package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conservation under every policy, both preemption modes, one and three replicas, open and closed
 * loop, with a KV cache small enough that requests are preempted: every request completes exactly
 * once, with exactly the output tokens it asked for, and at the end every KV block (and every host
 * swap block) is free and no request is in flight.
 */
class ConservationTest {
  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (Policy p : Policy.values()) {
      for (Preemption m : Preemption.values()) {
        for (int replicas : new int[] {1, 3}) {
          b.add(Arguments.of(p, m, replicas, true, false));
        }
        b.add(Arguments.of(p, m, 2, false, false));
        // prefix caching with shared prefixes and conversations
        b.add(Arguments.of(p, m, 3, true, true));
        b.add(Arguments.of(p, m, 1, false, true));
      }
    }
    return b.build();
  }

  /** A synthetic iteration time: 5 ms plus 20 us a prefill token and 1 us per decode context. */
  static final IterationTimer TIMER =
      (n, ctx, k, tokens, prefix) -> {
        double t = 5e-3 + 1e-6 * ctx * 1e-3;
        for (int i = 0; i < k; i++) {
          t += 20e-6 * tokens[i];
        }
        return t;
      };

  /**
   * Runs {@code spec}, checking that every one of its {@code requests} completes exactly once with
   * the output tokens it asked for, after its first token, after it was first scheduled, after it
   * arrived, and that none is left in flight.
   */
  static ServingSimulator.Run runEachOnce(
      ServingSimulator.Spec spec, IterationTimer timer, int requests) {
    BitSet seen = new BitSet();
    long[] tokens = new long[1];
    ServingSimulator.Run run =
        ServingSimulator.run(
            spec,
            timer,
            (req, s, now) -> {
              int id = (int) req.id[s];
              assertThat(seen.get(id)).as("request %d completed twice", id).isFalse();
              seen.set(id);
              assertThat(req.generated[s]).isEqualTo(req.output[s]);
              assertThat(req.firstToken[s]).isGreaterThanOrEqualTo(req.firstScheduled[s]);
              assertThat(req.firstScheduled[s]).isGreaterThanOrEqualTo(req.arrival[s]);
              assertThat(now).isGreaterThanOrEqualTo(req.firstToken[s]);
              tokens[0] += req.output[s];
            });
    assertThat(seen.cardinality()).isEqualTo(requests);
    assertThat(seen.nextClearBit(0)).isEqualTo(requests);
    assertThat(run.result().totalOutputTokens()).isEqualTo(tokens[0]);
    assertThat(run.requests().inFlight()).isZero();
    return run;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void everyRequestCompletesOnceWithItsTokensAndEveryBlockIsFreeAtTheEnd(
      Policy policy, Preemption mode, int replicas, boolean open, boolean shared) {
    int requests = 1500;
    int budget = policy.chunked() ? 512 : 4096;
    EngineConfig e =
        new EngineConfig(
            policy, budget, 64, 16, 120, mode, 40, 1e-4, 1e-3, shared, null, null, 1, 1);
    LengthDistribution prompt = LengthDistribution.parse("uniform:1:900", "p");
    LengthDistribution output = LengthDistribution.parse("uniform:1:400", "o");
    Workload w =
        open
            ? Workload.open(30.0 * replicas, 0.5, prompt, output, requests, 11)
            : Workload.closed(40, prompt, output, requests, 11);
    if (shared) {
      w = w.withSharing(new Workload.Sharing(200, 0.6, 3, LengthDistribution.fixed(3), 0.5));
    }
    ServingSimulator.Spec spec =
        new ServingSimulator.Spec(
            e,
            replicas,
            shared ? Routing.PREFIX_AFFINITY : Routing.LEAST_OUTSTANDING,
            w,
            4096,
            0,
            0,
            false,
            null);
    ServingSimulator.Run run = runEachOnce(spec, TIMER, requests);
    ServingResult r = run.result();
    assertThat(r.completedRequests()).isEqualTo(requests);
    for (Replica rep : run.replicas()) {
      assertThat(rep.freeBlocks()).isEqualTo(e.kvBlocks());
      assertThat(rep.swapUsedBlocks()).isZero();
      assertThat(rep.running()).isZero();
      assertThat(rep.waiting.isEmpty()).isTrue();
      assertThat(rep.peakUsedBlocks()).isLessThanOrEqualTo(e.kvBlocks());
    }
    assertThat(r.preemptions()).as("the cache is small enough to preempt").isPositive();
    if (shared) {
      assertThat(r.prefixCacheHitTokens()).as("shared content is found").isPositive();
    }
  }
}
