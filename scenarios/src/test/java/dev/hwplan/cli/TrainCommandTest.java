package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {
  private static final String[] BASE = {
    "train",
    "--model",
    "llama-3.1-8b",
    "--gpu",
    "h100-sxm",
    "--gpus",
    "16",
    "--seq",
    "8192",
    "--global-batch",
    "64"
  };

  private static CliHarness train(String... more) {
    List<String> a = new ArrayList<>(List.of(BASE));
    a.addAll(List.of(more));
    return CliHarness.run(a.toArray(String[]::new));
  }

  @Test
  void oneLayoutHasTheContractsKeys() {
    CliHarness r =
        train(
            "--layout",
            "tp=2,pp=2,dp=4",
            "--recompute",
            "selective",
            "--tokens",
            "1e12",
            "--price-per-gpu-hour",
            "2",
            "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode p = r.json().get("plan");
    for (String k :
        new String[] {
          "stepSeconds",
          "peakBytesPerGpu",
          "mfu",
          "hfu",
          "tokensPerSecond",
          "trainSeconds",
          "gpuHours",
          "cost"
        }) {
      assertThat(p.get(k).asDouble()).as(k).isPositive();
    }
    assertThat(p.get("mfu").asDouble()).isLessThan(1);
    assertThat(p.get("time").get("computeSeconds").asDouble()).isPositive();
    assertThat(p.get("memory").get("weightBytes").asDouble()).isPositive();
    assertThat(p.get("gpuHours").asDouble())
        .isCloseTo(
            p.get("trainSeconds").asDouble() / 3600 * 16,
            org.assertj.core.api.Assertions.within(1e-6));
    assertThat(p.get("cost").asDouble())
        .isCloseTo(2 * p.get("gpuHours").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void theSearchRanksAndCountsRejections() {
    CliHarness r = train("--top", "3", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("layouts")).hasSize(3);
    double prev = 0;
    for (JsonNode p : j.get("layouts")) {
      assertThat(p.get("fits").asBoolean()).isTrue();
      assertThat(p.get("stepSeconds").asDouble()).isGreaterThanOrEqualTo(prev);
      prev = p.get("stepSeconds").asDouble();
    }
    assertThat(j.get("evaluated").asLong()).isGreaterThan(j.get("valid").asLong()).isGreaterThan(0);
    assertThat(j.get("rejected").toString()).contains("batch not divisible by DP x micro-batch");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--cluster|dgx-x|field '--cluster': unknown cluster 'dgx-x'",
        "--layout|tp=8,dp=4|field '--layout': layout uses 32 GPUs (tp x pp x dp x cp), not 16",
        "--layout|tp=64,dp=1|field '--layout': TP 64 does not divide the 32 attention heads",
        "--layout|pp=16,vpp=3|field '--layout': layers not divisible by PP x VPP (32 layers, 16 x 3)",
        "--layout|tp=2,dp=8|--layout: TP 2",
        "--seq|200000|field '--seq': 200,000 tokens is more than the 131,072 that llama-3.1-8b supports",
        "--micro-batch|3|field '--global-batch': global batch 64 not divisible by DP x micro-batch",
        "--precision|fp4|field '--precision': unknown precision 'fp4'",
        "--recompute|half|field '--recompute': unknown recompute 'half'",
      })
  void badInputIsOneLineAndExit2(String flag, String value, String message) {
    List<String> a = new ArrayList<>(List.of(BASE));
    if (flag.equals("--seq")) {
      a.set(a.indexOf("--seq") + 1, value);
    } else {
      a.add(flag);
      a.add(value);
    }
    if (flag.equals("--micro-batch") || flag.equals("--precision") || flag.equals("--recompute")) {
      a.add("--layout");
      a.add("tp=2,dp=8");
    }
    CliHarness r = CliHarness.run(a.toArray(String[]::new));
    if (value.equals("tp=2,dp=8")) {
      // a valid layout: runs
      assertThat(r.exitCode()).as(r.err()).isZero();
      return;
    }
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }
}
