package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {
  private static final String BASE =
      "train --model llama-3.1-8b --gpu h100-sxm --gpus 16 --seq 8192 --global-batch 64";

  private static CliHarness train(String... more) {
    return CliHarness.line(BASE, more);
  }

  @Test
  void rankByCostUpToTheGpusPicksACheaperSmallerLayout() {
    CliHarness t = train("--up-to-gpus", "--top", "1", "--json");
    CliHarness c = train("--up-to-gpus", "--top", "1", "--rank", "cost", "--json");
    assertThat(c.exitCode()).as(c.err()).isZero();
    assertThat(c.json().get("rankedBy").asText()).isEqualTo("cost");
    assertThat(t.json().get("rankedBy").asText()).isEqualTo("time");
    JsonNode ft = t.json().get("layouts").get(0);
    JsonNode fc = c.json().get("layouts").get(0);
    double gpuSecondsTime = ft.get("stepSeconds").asDouble() * ft.get("gpus").asDouble();
    double gpuSecondsCost = fc.get("stepSeconds").asDouble() * fc.get("gpus").asDouble();
    assertThat(gpuSecondsCost).isLessThanOrEqualTo(gpuSecondsTime);
    CliHarness bad = train("--layout", "tp=2,dp=8", "--rank", "cost");
    bad.isBadInput("field '--rank': has no effect here");
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

  /**
   * {@code --layout} without {@code --zero} tries ZeRO 0-3 as the search does and shows the fastest
   * that fits (Llama-3.1-70B on 32 GPUs at TP8 DP4: ZeRO 0 and 1 do not fit); {@code --zero} keeps
   * one stage.
   */
  @Test
  void aLayoutWithoutZeroTriesEveryStage() {
    String[] a =
        ("train --model llama-3.1-70b --gpu h100-sxm --gpus 32 --seq 4096 --global-batch 64"
                + " --layout tp=8,dp=4 --recompute full")
            .split(" ");
    CliHarness r = CliHarness.run(concat(a, "--json"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode stages = r.json().get("zeroStages");
    assertThat(stages).hasSize(4);
    int best = -1;
    double bestStep = Double.MAX_VALUE;
    for (JsonNode z : stages) {
      if (z.get("fits").asBoolean() && z.get("stepSeconds").asDouble() < bestStep) {
        bestStep = z.get("stepSeconds").asDouble();
        best = z.get("zero").asInt();
      }
    }
    assertThat(stages.get(0).get("fits").asBoolean()).isFalse();
    assertThat(stages.get(1).get("fits").asBoolean()).isFalse();
    assertThat(best).isPositive();
    assertThat(r.json().get("plan").get("layout").get("zero").asInt()).isEqualTo(best);
    assertThat(r.json().get("plan").get("stepSeconds").asDouble()).isEqualTo(bestStep);
    CliHarness text = CliHarness.run(a);
    assertThat(text.out()).contains("ZeRO 0-3 tried (no --zero): 0 does not fit (");
    assertThat(text.out()).contains("shown: ZeRO" + best + " (the fastest that fits)");
    CliHarness one = CliHarness.run(concat(a, "--zero", "3", "--json"));
    assertThat(one.json().has("zeroStages")).isFalse();
    assertThat(one.json().get("plan").get("layout").get("zero").asInt()).isEqualTo(3);
  }

  private static String[] concat(String[] a, String... more) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(more));
    return l.toArray(String[]::new);
  }

  @Test
  void theSearchRanksAndCountsRejections() {
    CliHarness r = train("--top", "3", "--json");
    JsonNode j = r.okJson();
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
        "--layout|pp=16,vpp=3|field '--layout': layers not divisible by PP x VPP (32 layers, 16 x"
            + " 3)",
        "--layout|tp=2,dp=8|--layout: TP 2",
        "--seq|200000|field '--seq': 200,000 tokens is more than the 131,072 that llama-3.1-8b"
            + " supports",
        "--micro-batch|3|field '--global-batch': global batch 64 not divisible by DP x micro-batch",
        "--precision|fp4|field '--precision': unknown precision 'fp4'",
        "--recompute|half|field '--recompute': unknown recompute 'half'",
        "--rank|speed|field '--rank': must be time or cost, got 'speed'",
      })
  void badInputIsOneLineAndExit2(String flag, String value, String message) {
    List<String> a = new ArrayList<>(CliHarness.words(BASE));
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
    r.isBadInput(message);
  }

  /**
   * Budget to model to layout to days in one command: the compute-optimal N and D of the fit for
   * 1e23 FLOP, a Llama-3-shaped model of about N, and a plan that spends the budget (tokens x the
   * model's exact FLOPs per token = C, so train seconds x GPUs x achieved FLOP/s = C too).
   */
  @Test
  void aFlopBudgetPlansTheComputeOptimalModel() {
    CliHarness r =
        CliHarness.line(
            "train --flops 1e23 --cluster dgx-h100 --gpus 64 --seq 4096 "
                + "--global-batch 256 --layout tp=2,pp=1,dp=32 "
                + "--recompute selective --price-per-gpu-hour 2 --json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode b = r.json().get("budget");
    assertThat(b.get("shaped").asBoolean()).isTrue();
    double nOpt = b.get("computeOptimalParams").asDouble();
    double n = b.get("params").asDouble();
    assertThat(n / nOpt).isBetween(0.94, 1.06);
    assertThat(r.json().get("model").asText()).startsWith("llama3-shaped-");
    JsonNode p = r.json().get("plan");
    assertThat(p.get("tokens").asDouble()).isEqualTo(b.get("tokens").asDouble());
    // the plan's achieved model FLOP/s over its train time spends the budget
    double stepFlops = r.json().get("modelFlopsPerStep").asDouble();
    double steps = p.get("tokens").asDouble() / r.json().get("tokensPerStep").asDouble();
    assertThat(stepFlops * steps / 1e23).isBetween(0.9, 1.1);
    assertThat(p.get("cost").asDouble()).isPositive();
  }

  @Test
  void aFlopBudgetWithAModelTrainsThatModel() {
    CliHarness r = train("--flops", "1e22", "--layout", "tp=2,pp=2,dp=4", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode b = r.json().get("budget");
    assertThat(b.get("shaped").asBoolean()).isFalse();
    assertThat(r.json().get("model").asText()).isEqualTo("llama-3.1-8b");
    // 8B at ~6N = 4.8e10 FLOP per token: ~2e11 tokens for 1e22
    assertThat(b.get("tokens").asDouble()).isBetween(1.5e11, 2.5e11);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--tokens|1e12|field '--tokens': cannot be combined with --flops",
        "--flops|-1|field '--flops': must be positive",
        "--fit|epoch2024|field '--fit': has no effect here",
      })
  void budgetBadInput(String flag, String value, String message) {
    List<String> a = new ArrayList<>(CliHarness.words(BASE));
    if (!flag.equals("--fit") && !flag.equals("--flops")) {
      a.add("--flops");
      a.add("1e22");
    }
    a.add(flag);
    a.add(value);
    CliHarness r = CliHarness.run(a.toArray(String[]::new));
    r.isBadInput(message);
  }

  /**
   * The same search twice gives the same JSON, byte for byte: the search's wall-clock time is in it
   * only with {@code --timings}.
   */
  @Test
  void theSameSearchGivesTheSameJsonAndTimingsOnlyOnRequest() {
    CliHarness a = train("--top", "2", "--json");
    CliHarness b = train("--top", "2", "--json");
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).isEqualTo(b.out());
    assertThat(a.json().has("searchSeconds")).isFalse();
    CliHarness t = train("--top", "2", "--json", "--timings");
    assertThat(t.json().get("searchSeconds").asDouble()).isPositive();
  }
}
