package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Prefill/decode disaggregation: with a free link and no interference (one request at a time) it is
 * the colocated engine, request by request; a priced link adds exactly the transfer time to the
 * first gap after the first token; under load every request completes once with its tokens.
 */
class DisaggregationTest {
  static EngineConfig engine(Policy p, long blocks) {
    return new EngineConfig(
        p, p.chunked() ? 512 : 4096, 32, 16, blocks, Preemption.RECOMPUTE, 0, 0, 1e-3);
  }

  static List<double[]> perRequest(ServingSimulator.Spec spec) {
    List<double[]> out = new ArrayList<>();
    ServingSimulator.run(
        spec,
        ConservationTest.TIMER,
        (req, s, now) ->
            out.add(
                new double[] {
                  req.id[s], req.firstToken[s] - req.arrival[s], now - req.arrival[s]
                }));
    return out;
  }

  @Test
  void withAFreeLinkAndOneRequestAtATimeItIsTheColocatedEngine() {
    Workload w =
        Workload.closed(
            1,
            LengthDistribution.parse("uniform:1:900", "p"),
            LengthDistribution.parse("uniform:1:300", "o"),
            200,
            4);
    EngineConfig e = engine(Policy.VLLM, 1000);
    ServingSimulator.Spec colocated =
        new ServingSimulator.Spec(e, 1, Routing.LEAST_OUTSTANDING, w, 4096, 0, 0, false);
    ServingSimulator.Spec split =
        new ServingSimulator.Spec(
            e,
            1,
            Routing.LEAST_OUTSTANDING,
            w,
            4096,
            0,
            0,
            false,
            new ServingSimulator.Disaggregation(1, e, null, 1000, Double.POSITIVE_INFINITY));
    List<double[]> a = perRequest(colocated);
    List<double[]> b = perRequest(split);
    assertThat(b).hasSize(200);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i)).containsExactly(a.get(i));
    }
    ServingResult rb = ServingSimulator.run(split, ConservationTest.TIMER);
    ServingResult ra = ServingSimulator.run(colocated, ConservationTest.TIMER);
    assertThat(rb.tpotSeconds()).isEqualTo(ra.tpotSeconds());
    assertThat(rb.itlSeconds()).isEqualTo(ra.itlSeconds());
    assertThat(rb.meanKvTransferSeconds()).isZero();
  }

  @Test
  void theLinkAddsTheTransferTimeOfThePromptsKv() {
    // 800 prompt tokens of 1,000 bytes a GPU over 1e8 B/s: 8 ms, once per request
    Workload w =
        Workload.closed(1, LengthDistribution.fixed(800), LengthDistribution.fixed(50), 20, 4);
    EngineConfig e = engine(Policy.VLLM, 1000);
    List<double[]> a =
        perRequest(
            new ServingSimulator.Spec(e, 1, Routing.LEAST_OUTSTANDING, w, 4096, 0, 0, false));
    List<double[]> b =
        perRequest(
            new ServingSimulator.Spec(
                e,
                1,
                Routing.LEAST_OUTSTANDING,
                w,
                4096,
                0,
                0,
                false,
                new ServingSimulator.Disaggregation(1, e, null, 1000, 1e8)));
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i)[1]).as("TTFT").isCloseTo(a.get(i)[1], within(1e-12));
      assertThat(b.get(i)[2] - a.get(i)[2]).as("E2E").isCloseTo(8e-3, within(1e-12));
    }
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void underLoadEveryRequestCompletesOnceWithItsTokens(Policy p) {
    int requests = 1200;
    Workload w =
        Workloads.poisson(40, "uniform:1:900", "uniform:1:400", requests, 12)
            .withSharing(new Workload.Sharing(128, 0.5, 2, null, 0));
    EngineConfig e = engine(p, 120).withPrefixCaching(true);
    EngineConfig pe = engine(p, 200).withPrefixCaching(true);
    ServingSimulator.Spec spec =
        new ServingSimulator.Spec(
            e.withSpeculation(new Speculation(Speculation.Method.NGRAM, 2, 0.6, null, "n-gram")),
            3,
            Routing.LEAST_OUTSTANDING,
            w,
            4096,
            0,
            0,
            false,
            new ServingSimulator.Disaggregation(2, pe, null, 2000, 2e9));
    BitSet seen = new BitSet();
    ServingSimulator.Run run =
        ServingSimulator.run(
            spec,
            ConservationTest.TIMER,
            (req, s, now) -> {
              int id = (int) req.id[s];
              assertThat(seen.get(id)).isFalse();
              seen.set(id);
              assertThat(req.generated[s]).isEqualTo(req.output[s]);
            });
    assertThat(seen.cardinality()).isEqualTo(requests);
    assertThat(run.requests().inFlight()).isZero();
    assertThat(run.result().meanKvTransferSeconds()).isPositive();
    assertThat(run.result().preemptions()).isPositive();
    for (Replica r : run.replicas()) {
      assertThat(r.freeBlocks()).isEqualTo(r.prefillOnly ? 200 : 120);
      assertThat(r.running()).isZero();
    }
  }
}
