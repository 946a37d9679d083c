package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportsTest {
  static RunRecord run() {
    return new RunRecord(
        "3f2a9c1",
        "ci-2core",
        "2026-11-22T06:00:00Z",
        List.of(
            SyntheticRuns.kvCalculator(1.2e-6, List.of(1.19e-6, 1.2e-6, 1.22e-6)),
            new BenchmarkResult(
                "predict.gemm.h100.medianError", "ratio", Direction.SMALLER_IS_BETTER, 0.041),
            new BenchmarkResult(
                "serve.tokensPerSecond", "tokens/s", Direction.BIGGER_IS_BETTER, 1500.0)));
  }

  @Test
  void githubActionBenchmarkFilesAreArraysOfNameUnitValueRangeExtra(@TempDir Path dir)
      throws Exception {
    List<Path> files = GithubActionBenchmark.write(dir, run());
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "github-action-benchmark.customSmallerIsBetter.json",
            "github-action-benchmark.customBiggerIsBetter.json");
    JsonNode smaller = StrictMapper.json().readTree(Files.readString(files.get(0)));
    assertThat(smaller.isArray()).isTrue();
    assertThat(smaller).hasSize(2);
    JsonNode kv = smaller.get(0);
    assertThat(fieldNames(kv)).containsExactly("name", "unit", "value", "range", "extra");
    assertThat(kv.get("name").asText()).isEqualTo("kv.calculator");
    assertThat(kv.get("unit").asText()).isEqualTo("seconds");
    assertThat(kv.get("value").isNumber()).isTrue();
    assertThat(kv.get("value").asDouble()).isEqualTo(1.2e-6);
    assertThat(kv.get("range").isTextual()).isTrue();
    assertThat(kv.get("range").asText()).isEqualTo("± 1.50e-08");
    assertThat(kv.get("extra").isTextual()).isTrue();
    assertThat(kv.get("extra").asText())
        .contains("median of 3 samples", "commit: 3f2a9c1", "machine: ci-2core");
    JsonNode err = smaller.get(1);
    assertThat(fieldNames(err)).containsExactly("name", "unit", "value", "extra");
    assertThat(err.get("value").asDouble()).isEqualTo(0.041);
    JsonNode bigger = StrictMapper.json().readTree(Files.readString(files.get(1)));
    assertThat(bigger).hasSize(1);
    assertThat(bigger.get(0).get("name").asText()).isEqualTo("serve.tokensPerSecond");
    assertThat(GithubActionBenchmark.tool(Direction.BIGGER_IS_BETTER))
        .isEqualTo("customBiggerIsBetter");
  }

  @Test
  void bencherMetricFormatNestsBenchmarkMeasureAndValues(@TempDir Path dir) throws Exception {
    Path f = BencherMetricFormat.write(dir, run());
    assertThat(f.getFileName()).hasToString("bencher.bmf.json");
    JsonNode bmf = StrictMapper.json().readTree(Files.readString(f));
    assertThat(fieldNames(bmf))
        .containsExactly("kv.calculator", "predict.gemm.h100.medianError", "serve.tokensPerSecond");
    // Seconds go to Bencher's built-in latency measure, which is in nanoseconds.
    JsonNode kv = bmf.get("kv.calculator");
    assertThat(fieldNames(kv)).containsExactly("latency");
    JsonNode lat = kv.get("latency");
    assertThat(fieldNames(lat)).containsExactly("value", "lower_value", "upper_value");
    assertThat(lat.get("value").asDouble())
        .isCloseTo(1200.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(lat.get("lower_value").asDouble())
        .isCloseTo(1190.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(lat.get("upper_value").asDouble())
        .isCloseTo(1220.0, org.assertj.core.data.Offset.offset(1e-9));
    // Without samples: value only, under a measure named by the unit.
    JsonNode ratio = bmf.get("predict.gemm.h100.medianError").get("ratio");
    assertThat(fieldNames(ratio)).containsExactly("value");
    assertThat(ratio.get("value").asDouble()).isEqualTo(0.041);
    assertThat(bmf.get("serve.tokensPerSecond").has("tokens-s")).isTrue();
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }
}
