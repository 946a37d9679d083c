package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Queueing theory where it applies: one request at a time ({@code maxNumSeqs = 1}), one-token
 * prompts and outputs (so a request is exactly one iteration), Poisson arrivals and no engine
 * overhead make each replica a single-server FCFS queue. With a fixed service time the mean wait is
 * Pollaczek-Khinchine's M/D/1 value {@code rho D / (2 (1 - rho))}; with exponential service,
 * M/M/1's {@code rho / (mu - lambda)}. The simulated mean must lie within three standard errors of
 * it, the standard error taken from 40 batch means of the simulated waits (the waits of
 * neighbouring requests are correlated, so the plain sample variance would understate it).
 */
class QueueingTheoryTest {
  static final int REQUESTS = 400_000;
  static final int BATCHES = 40;

  static EngineConfig singleServer() {
    return TestEngines.recompute(Policy.VLLM, 16, 1, 16, 1000);
  }

  /** Waits from the run, batch means, their standard error. */
  record Waits(double mean, double standardError, double meanSojourn) {}

  static Waits simulate(double lambda, IterationTimer service) {
    LengthDistribution one = LengthDistribution.fixed(1);
    ServingSimulator.Spec spec =
        new ServingSimulator.Spec(
            singleServer(),
            1,
            Routing.ROUND_ROBIN,
            Workload.open(lambda, 1, one, one, REQUESTS, 7),
            1 << 20,
            0,
            0,
            false,
            null);
    double[] batchSum = new double[BATCHES];
    long[] batchCount = new long[BATCHES];
    ServingSimulator.Run run =
        ServingSimulator.run(
            spec,
            service,
            (req, s, now) -> {
              int b = (int) (req.id[s] * BATCHES / REQUESTS);
              batchSum[b] += req.firstScheduled[s] - req.arrival[s];
              batchCount[b]++;
            });
    double mean = 0;
    double[] means = new double[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      means[b] = batchSum[b] / batchCount[b];
      mean += means[b] / BATCHES;
    }
    double var = 0;
    for (double m : means) {
      var += (m - mean) * (m - mean) / (BATCHES - 1);
    }
    ServingResult r = run.result();
    assertThat(r.completedRequests()).isEqualTo(REQUESTS);
    assertThat(r.queueingDelaySeconds().mean())
        .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
    return new Waits(mean, Math.sqrt(var / BATCHES), r.e2eSeconds().mean());
  }

  @Test
  void fixedServiceTimeGivesPollaczekKhinchineMd1() {
    double d = 0.05; // seconds per request
    double lambda = 10; // rho = 0.5
    Waits w = simulate(lambda, (n, c, k, t, p) -> d);
    double rho = lambda * d;
    double expected = rho * d / (2 * (1 - rho)); // 25 ms
    assertThat(w.standardError()).isLessThan(0.02 * expected);
    assertThat(w.mean())
        .isBetween(expected - 3 * w.standardError(), expected + 3 * w.standardError());
    assertThat(w.meanSojourn()).isCloseTo(w.mean() + d, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void exponentialServiceTimeGivesMm1() {
    double mu = 20;
    double lambda = 14; // rho = 0.7
    SplittableRandom r = new SplittableRandom(3);
    Waits w = simulate(lambda, (n, c, k, t, p) -> -Math.log(1 - r.nextDouble()) / mu);
    double expected = (lambda / mu) / (mu - lambda); // 116.7 ms
    assertThat(w.standardError()).isLessThan(0.04 * expected);
    assertThat(w.mean())
        .isBetween(expected - 3 * w.standardError(), expected + 3 * w.standardError());
    double sojourn = 1 / (mu - lambda);
    assertThat(w.meanSojourn()).isBetween(sojourn * 0.95, sojourn * 1.05);
  }
}
