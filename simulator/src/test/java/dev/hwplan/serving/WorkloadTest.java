package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.io.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Length distributions and arrival processes draw what they say they draw. */
class WorkloadTest {
  static final int N = 200_000;

  private static double[] moments(LengthDistribution d) {
    SplittableRandom r = new SplittableRandom(9);
    double sum = 0;
    double sq = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int i = 0; i < N; i++) {
      int v = d.sample(r);
      sum += v;
      sq += (double) v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / N;
    return new double[] {mean, Math.sqrt(sq / N - mean * mean), min, max};
  }

  @Test
  void lengthsHaveTheirMeansAndBounds() {
    double[] u = moments(LengthDistribution.parse("uniform:100:300", "p"));
    assertThat(u[0]).isCloseTo(200, within(1.0));
    assertThat(u[2]).isEqualTo(100);
    assertThat(u[3]).isEqualTo(300);
    double[] n = moments(LengthDistribution.parse("normal:1000:100", "p"));
    assertThat(n[0]).isCloseTo(1000, within(1.0));
    assertThat(n[1]).isCloseTo(100, within(1.0));
    double[] l = moments(LengthDistribution.parse("lognormal:500:300", "p"));
    assertThat(l[0]).isCloseTo(500, within(3.0)); // the lengths' own mean and deviation
    assertThat(l[1]).isCloseTo(300, within(6.0));
    assertThat(l[2]).isGreaterThanOrEqualTo(1);
    double[] t = moments(LengthDistribution.parse("normal:5:50", "p"));
    assertThat(t[2]).as("truncated at 1").isGreaterThanOrEqualTo(1);
    assertThat(LengthDistribution.parse("42", "p").max()).isEqualTo(42);
    assertThat(LengthDistribution.parse("lognormal:500:300", "p").bounded()).isFalse();
  }

  @Test
  void fileLengthsAreAnEmpiricalDistribution(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("lengths.txt");
    Files.writeString(f, "# prompt lengths\n10\n\n20\n30\n");
    LengthDistribution d = LengthDistribution.parse("file:" + f, "--prompt-tokens");
    double[] m = moments(d);
    assertThat(m[0]).isCloseTo(20, within(0.1));
    assertThat(d.max()).isEqualTo(30);
    Files.writeString(f, "10\n-3\n");
    assertThatThrownBy(() -> LengthDistribution.parse("file:" + f, "--prompt-tokens"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f + ":2")
        .hasMessageContaining("positive");
  }

  @Test
  void gammaGapsHaveTheRateAndTheBurstinessOfVllmsBenchmark() {
    for (double burstiness : new double[] {0.5, 1, 4}) {
      LengthDistribution one = LengthDistribution.fixed(1);
      Workload w = Workload.open(8, burstiness, one, one, N, 3);
      RequestSource src = w.open(new Workload.Limits(100, 100));
      RequestTable t = new RequestTable();
      double last = 0;
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < N; i++) {
        double at = src.peek();
        t.release(src.take(t));
        if (i > 0) {
          double g = at - last;
          sum += g;
          sq += g * g;
        }
        last = at;
      }
      double mean = sum / (N - 1);
      double var = sq / (N - 1) - mean * mean;
      assertThat(mean).isCloseTo(1 / 8.0, within(0.002));
      // gamma of shape k: squared coefficient of variation 1/k
      assertThat(var / (mean * mean)).isCloseTo(1 / burstiness, within(0.05 / burstiness));
    }
  }
}
