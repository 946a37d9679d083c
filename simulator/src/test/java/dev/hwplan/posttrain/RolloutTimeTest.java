package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Response lengths that stop at EOS, and the training phase at a framework's utilisation. */
class RolloutTimeTest {
  @Test
  void geometricLengthsHaveTheirClosedForms() {
    // one response: E[min(L, R)] = sum_{k<R} q^k = M (1 - q^R)
    ResponseLengths l = new ResponseLengths(100, 1024);
    double q = 1 - 1 / 100.0;
    assertThat(l.expected()).isCloseTo(100 * (1 - Math.pow(q, 1024)), within(1e-9));
    assertThat(l.expectedLongestOf(1)).isCloseTo(l.expected(), within(1e-6));
    // the longer of two, uncut: sum_k (2 q^k - q^2k) = 2M - 1 / (1 - q^2)
    ResponseLengths uncut = new ResponseLengths(100, 1_000_000);
    assertThat(uncut.expectedLongestOf(2)).isCloseTo(200 - 1 / (1 - q * q), within(1e-6));
    // the cut binds: no batch runs past the maximum
    assertThat(l.expectedLongestOf(1_000_000)).isLessThanOrEqualTo(1024).isGreaterThan(1000);
    // fixed lengths: every response to the maximum
    assertThat(new ResponseLengths(0, 256).expectedLongestOf(8)).isEqualTo(256);
  }

  private static PostTrainPlan orlhf7b(double trainHfu, double responseMean) {
    return OpenRlhfSetup.llama7b(new Generation(Engine.HF_ZERO3, 8, 0, responseMean), trainHfu);
  }

  @Test
  void deepSpeedChatsTrainingThroughputGivesItsTrainingLatency() {
    // OpenRLHF benchmark/README.md, DeepspeedChat Llama-2-7B: training 60.34 TFLOPs per A800
    // (0.1934 of 312) and 492.01 s a rollout batch. The utilisation alone, applied to the
    // planner's hardware FLOPs of actor and critic, lands within 5% of that latency.
    PostTrainPlan own = orlhf7b(0, 0);
    PostTrainPlan capped = orlhf7b(0.1934, 0);
    assertThat(capped.time().trainSeconds()).isCloseTo(492.01, within(0.05 * 492.01));
    assertThat(own.time().trainSeconds()).isLessThan(capped.time().trainSeconds() / 2);
    assertThat(capped.time().generationSeconds()).isEqualTo(own.time().generationSeconds());
  }

  @Test
  void zero3GenerateWaitsForTheLongestResponseOfAllRanks() {
    // 8 ranks x 8 sequences in sync: a wave decodes E[longest of 64]; at a mean of 100 tokens that
    // is ~4.7x the mean (H_64 = 4.74), well under the 1,024 maximum
    ResponseLengths l = new ResponseLengths(100, 1024);
    double longest = l.expectedLongestOf(64);
    assertThat(longest).isBetween(400.0, 500.0);
    double full = orlhf7b(0, 0).time().generationSeconds();
    double eos = orlhf7b(0, 100).time().generationSeconds();
    assertThat(eos / full).isCloseTo(longest / 1024, within(0.05));
  }
}
