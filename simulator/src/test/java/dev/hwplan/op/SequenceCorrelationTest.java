package dev.hwplan.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link ExpertRouting#SEQUENCE_CORRELATION} is its estimate from the training steps' routed
 * counts: the pooled moment estimator {@code sum(var/mean - 1) / sum(L - 1)} over every layer of
 * every Mixtral prefill of {@code h200-sxm/step-profiles-train.json} and {@code
 * steps-eager-fused.json} ({@code expertTokenCounts}, population variance, {@code L} the prompt).
 */
class SequenceCorrelationTest {
  private static final Path RESULTS = Path.of("..", "kernels", "cuda", "results", "h200-sxm");

  @Test
  void theConstantIsThePooledEstimateOverTheTrainingPrefills() throws Exception {
    double excess = 0;
    double pairs = 0;
    int layers = 0;
    for (String f : new String[] {"step-profiles-train.json", "steps-eager-fused.json"}) {
      JsonNode doc = new ObjectMapper().readTree(Files.readString(RESULTS.resolve(f)));
      for (JsonNode r : doc.path("rows")) {
        if (!r.path("kind").asText().equals("prefill") || !r.has("expertTokenCounts")) {
          continue;
        }
        long length = r.path("tokens").asLong() / r.path("batch").asLong();
        for (JsonNode layer : r.path("expertTokenCounts")) {
          double sum = 0;
          double squares = 0;
          for (JsonNode c : layer) {
            sum += c.asDouble();
            squares += c.asDouble() * c.asDouble();
          }
          int n = layer.size();
          double mean = sum / n;
          excess += (squares / n - mean * mean) / mean - 1;
          pairs += length - 1;
          layers++;
        }
      }
    }
    assertThat(layers).isEqualTo(20);
    assertThat(excess / pairs).isCloseTo(0.00537, within(5e-6));
    assertThat(ExpertRouting.SEQUENCE_CORRELATION).isCloseTo(excess / pairs, within(5e-5));
  }

  @Test
  void decodeStepsStayBinomialAndLengthsFallOnTheGrid() {
    assertThat(ExpertRouting.lengthBucket(1)).isZero();
    assertThat(ExpertRouting.rowsDispersion(0)).isEqualTo(1);
    assertThat(ExpertRouting.lengthBucket(1024)).isEqualTo(80);
    // 1 + 0.0054 x 1023
    assertThat(ExpertRouting.rowsDispersion(80)).isCloseTo(6.5242, within(1e-9));
  }
}
