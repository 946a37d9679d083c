package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replica's engines, checked against timelines worked out by hand: PP micro-batches sharing the
 * stages ({@link Pipeline}) and EP ranks in lockstep ({@link Lockstep}). Requests of one prompt
 * token and one output token are one iteration each; an iteration takes 10 ms per sequence in it
 * (so batching saves nothing and only the overlap of stages can); no engine overhead; closed-loop
 * users send their next request the moment the last completes, routed to the engine with the fewest
 * outstanding requests (the first on a tie).
 */
class MicroBatchTest {
  static final double PER_SEQUENCE = 0.010;
  static final IterationTimer TIMER = (n, c, k, t, p) -> (n + k) * PER_SEQUENCE;

  static EngineConfig engine(int microBatches, int ranks) {
    return new EngineConfig(
        Policy.VLLM,
        64,
        64,
        16,
        1000,
        Preemption.RECOMPUTE,
        0,
        0,
        0,
        false,
        null,
        null,
        microBatches,
        ranks);
  }

  /** Each completion's (arrival, end) in the order completed. */
  static List<double[]> run(EngineConfig e, int users, int requests) {
    LengthDistribution one = LengthDistribution.fixed(1);
    ServingSimulator.Spec spec =
        new ServingSimulator.Spec(
            e,
            1,
            Routing.LEAST_OUTSTANDING,
            Workload.closed(users, one, one, requests, 1),
            1 << 20,
            0,
            0,
            false,
            null);
    List<double[]> done = new ArrayList<>();
    ServingSimulator.Run r =
        ServingSimulator.run(
            spec, TIMER, (req, s, now) -> done.add(new double[] {req.arrival[s], now}));
    assertThat(r.result().completedRequests()).isEqualTo(requests);
    for (Replica rep : r.replicas()) {
      assertThat(rep.freeBlocks()).isEqualTo(e.engineBlocks());
    }
    return done;
  }

  /**
   * PP 2, two users. Micro-batch engines 0 (user A) and 1 (user B), stages of 5 ms: A's batch holds
   * stage 0 over [0, 5] and stage 1 over [5, 10]; B's waits for stage 0 and runs [5, 10], then [10,
   * 15]. A's next request enters at 10: [10, 15], [15, 20]; B's at 15: [15, 20], [20, 25]; and so
   * on: completions at 10, 15, 20, 25, 30, 35 ms, every latency 10 ms but B's first (15 ms, the
   * fill of the pipeline).
   */
  @Test
  void twoMicroBatchesOverlapTheStages() {
    List<double[]> done = run(engine(2, 1), 2, 6);
    double[] ends = {0.010, 0.015, 0.020, 0.025, 0.030, 0.035};
    double[] latencies = {0.010, 0.015, 0.010, 0.010, 0.010, 0.010};
    for (int i = 0; i < 6; i++) {
      assertThat(done.get(i)[1]).as("end %d", i).isCloseTo(ends[i], offset(1e-12));
      assertThat(done.get(i)[1] - done.get(i)[0]).isCloseTo(latencies[i], offset(1e-12));
    }
  }

  /**
   * The same two users on one engine (one batch in flight): both requests in one 20 ms iteration,
   * three rounds, done at 60 ms where the micro-batches took 35.
   */
  @Test
  void oneBatchInFlightPassesTheStagesInTurn() {
    List<double[]> done = run(engine(1, 1), 2, 6);
    assertThat(done.get(5)[1]).isCloseTo(0.060, offset(1e-12));
    assertThat(done).allSatisfy(d -> assertThat(d[1] - d[0]).isCloseTo(0.020, offset(1e-12)));
  }

  /**
   * One user on PP 2: a lone micro-batch takes the whole step (the other stage idles, the bubble):
   * 10 ms a request.
   */
  @Test
  void aLoneMicroBatchLeavesABubble() {
    List<double[]> done = run(engine(2, 1), 1, 3);
    assertThat(done.get(2)[1]).isCloseTo(0.030, offset(1e-12));
  }

  /**
   * EP 2, three users: A and C on rank 0 (a 20 ms batch), B on rank 1 (10 ms), in lockstep, so B
   * completes with rank 0 at 20 ms, not at 10. The next requests arrive at 20 (A's and C's before
   * rank 1's completion is applied, so both go to rank 0 again, B's to rank 1): 40 ms.
   */
  @Test
  void expertParallelRanksEndTheirIterationsTogether() {
    List<double[]> done = run(engine(1, 2), 3, 6);
    for (double[] d : done) {
      assertThat(d[1] - d[0]).isCloseTo(0.020, offset(1e-12));
    }
    assertThat(done.get(5)[1]).isCloseTo(0.040, offset(1e-12));
  }

  @Test
  void microBatchesSplitTheBlocksAsVllmV0Does() {
    EngineConfig e = engine(4, 1);
    assertThat(e.engineBlocks()).isEqualTo(250);
    assertThat(e.maxRequestTokens()).isEqualTo(250 * 16);
    assertThat(engine(1, 4).engineBlocks()).isEqualTo(1000);
    assertThat(engine(2, 2).engineBlocks()).isEqualTo(500);
    assertThat(engine(2, 2).engines()).isEqualTo(4);
    assertThatThrownBy(() -> engine(2, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
