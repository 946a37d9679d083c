package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Speculative decoding: the tokens a verify step gives against Leviathan et al. (2023), eq. 1,
 * {@code (1 - α^(k+1)) / (1 - α)}; the step count when every proposal is accepted; conservation
 * under every policy.
 */
class SpeculationTest {
  /** 10 ms a step, plus 1 ms a verify query token beyond the first of each decode. */
  static final IterationTimer TIMER =
      new IterationTimer() {
        @Override
        public double seconds(long n, long ctx, int chunks, long[] tokens, long[] prefix) {
          return 10e-3;
        }

        @Override
        public double seconds(long n, long ctx, int q, int chunks, long[] tokens, long[] prefix) {
          return 10e-3 + 1e-3 * n * (q - 1);
        }
      };

  static EngineConfig engine(Policy p, Speculation s) {
    int budget = p.chunked() ? 2048 : 16384;
    return new EngineConfig(p, budget, 32, 16, 20_000, Preemption.RECOMPUTE, 0, 0, 0)
        .withSpeculation(s);
  }

  static Speculation ngram(int k, double alpha) {
    return new Speculation(Speculation.Method.NGRAM, k, alpha, null, "n-gram");
  }

  @Test
  void expectedTokensFollowLeviathanEquationOne() {
    assertThat(ngram(4, 0.8).expectedTokensPerStep()).isCloseTo(3.3616, within(1e-12));
    assertThat(ngram(3, 0.5).expectedTokensPerStep()).isCloseTo(1.875, within(1e-12));
    assertThat(ngram(5, 1).expectedTokensPerStep()).isEqualTo(6);
    assertThat(ngram(5, 0).expectedTokensPerStep()).isEqualTo(1);
    // the sampler: P(1 + j = m) = α^(m-1) (1 - α) below k + 1, α^k at k + 1
    SplittableRandom r = new SplittableRandom(1);
    Speculation s = ngram(3, 0.6);
    int[] count = new int[5];
    int n = 400_000;
    for (int i = 0; i < n; i++) {
      count[s.sampleTokens(r)]++;
    }
    double[] p = {0, 0.4, 0.24, 0.144, 0.216};
    for (int m = 1; m <= 4; m++) {
      double se = Math.sqrt(p[m] * (1 - p[m]) / n);
      assertThat(count[m] / (double) n).as("P(%d)", m).isCloseTo(p[m], within(4 * se));
    }
  }

  @Test
  void simulatedTokensPerVerifyStepMatchTheFormula() {
    Speculation s = ngram(4, 0.8);
    Workload w =
        Workload.closed(8, LengthDistribution.fixed(100), LengthDistribution.fixed(5000), 40, 3);
    ServingResult r =
        ServingSimulator.run(
            new ServingSimulator.Spec(
                engine(Policy.VLLM, s), 1, Routing.ROUND_ROBIN, w, 1 << 20, 0, 0, false),
            TIMER);
    // about 59,000 steps; the tokens of one have a standard deviation of 1.38, so the mean's
    // standard error is 0.006; the last step of each request is capped (a bias below 0.001)
    assertThat(r.tokensPerVerifyStep()).isCloseTo(s.expectedTokensPerStep(), within(0.025));
    assertThat(r.totalOutputTokens()).isEqualTo(40 * 5000);
  }

  @Test
  void whenEveryProposalIsAcceptedAStepGivesKPlusOneTokens() {
    // one request: a prefill step gives the first token, then 10 verify steps of 4 tokens each
    Workload w =
        Workload.closed(1, LengthDistribution.fixed(50), LengthDistribution.fixed(41), 1, 3);
    ServingResult r =
        ServingSimulator.run(
            new ServingSimulator.Spec(
                engine(Policy.VLLM, ngram(3, 1)), 1, Routing.ROUND_ROBIN, w, 1 << 20, 0, 0, false),
            TIMER);
    assertThat(r.iterations()).isEqualTo(11);
    assertThat(r.tokensPerVerifyStep()).isEqualTo(4);
    // each verify step costs 10 ms + 3 x 1 ms and gives 4 tokens: TPOT = 13 ms / 4
    assertThat(r.tpotSeconds().mean()).isCloseTo(13e-3 * 10 / 40, within(1e-12));
  }

  @ParameterizedTest
  @EnumSource(Policy.class)
  void everyRequestCompletesOnceWithItsTokens(Policy p) {
    int requests = 800;
    Workload w = Workloads.poisson(20, "uniform:1:600", "uniform:1:300", requests, 5);
    EngineConfig e =
        new EngineConfig(p, p.chunked() ? 512 : 4096, 32, 16, 150, Preemption.RECOMPUTE, 0, 0, 0)
            .withSpeculation(ngram(3, 0.7))
            .withPrefixCaching(p == Policy.VLLM);
    BitSet seen = new BitSet();
    long[] tokens = new long[1];
    ServingSimulator.Run run =
        ServingSimulator.run(
            new ServingSimulator.Spec(e, 2, Routing.LEAST_OUTSTANDING, w, 4096, 0, 0, false),
            TIMER,
            (req, s, now) -> {
              int id = (int) req.id[s];
              assertThat(seen.get(id)).isFalse();
              seen.set(id);
              assertThat(req.generated[s]).isEqualTo(req.output[s]);
              tokens[0] += req.output[s];
            });
    assertThat(seen.cardinality()).isEqualTo(requests);
    assertThat(run.result().totalOutputTokens()).isEqualTo(tokens[0]);
    assertThat(run.result().preemptions()).as("a small cache").isPositive();
    for (Replica rep : run.replicas()) {
      assertThat(rep.freeBlocks()).isEqualTo(150);
    }
  }
}
