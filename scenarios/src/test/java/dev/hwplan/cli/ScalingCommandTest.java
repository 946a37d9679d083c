package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.scaling.ChinchillaLaw;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalingCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code hwplan scaling fit --data data}, then {@code more}. */
  static CliHarness fit(Path data, String... more) {
    return CliHarness.run(List.of("scaling", "fit", "--data", data.toString()), more);
  }

  @Test
  void loss_chinchilla70bOn1p4TokensUnderHoffmannsRoundedFit() throws Exception {
    CliHarness r =
        CliHarness.line("scaling loss --params 70e9 --tokens 1.4e12 --fit hoffmann2022 --json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode j = r.json();
    assertThat(j.get("loss").asDouble())
        .isCloseTo(
            1.69 + 406.4 / Math.pow(70e9, 0.34) + 410.7 / Math.pow(1.4e12, 0.28), within(1e-12));
    assertThat(j.get("flops").asDouble()).isCloseTo(5.88e23, withPercentage(1e-9));
  }

  @Test
  void optimal_for1e24Flops_givesParamsTokensAndLoss() throws Exception {
    CliHarness r =
        CliHarness.run("scaling", "optimal", "--flops", "1e24", "--fit", "epoch2024", "--json");
    assertThat(r.exitCode()).isZero();
    JsonNode j = r.json();
    double n = j.get("params").asDouble();
    double d = j.get("tokens").asDouble();
    assertThat(6 * n * d).isCloseTo(1e24, withPercentage(1e-9));
    assertThat(j.get("tokensPerParam").asDouble()).isCloseTo(d / n, within(1e-9));
    assertThat(j.get("loss").asDouble()).isBetween(1.9, 2.0);
    assertThat(n).isCloseTo(96e9, withPercentage(1));
  }

  @Test
  void optimal_withAModel_countsItsFlopsExactlyAndPlacesItInTheBudget() throws Exception {
    CliHarness r =
        CliHarness.line("scaling optimal --flops 1e24 --model llama-3.1-8b --seq-len 8192 --json");
    assertThat(r.exitCode()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("flopsCount").asText()).isEqualTo("exact");
    JsonNode m = j.get("model");
    assertThat(m.get("trainingFlopsPerToken").asDouble()).isEqualTo(51_471_998_976.0);
    assertThat(m.get("tokens").asDouble()).isCloseTo(1e24 / 51_471_998_976.0, withPercentage(1e-9));
    double k = m.get("ratioTo6N").asDouble();
    double n = j.get("params").asDouble();
    double d = j.get("tokens").asDouble();
    assertThat(6 * k * n * d).isCloseTo(1e24, withPercentage(1e-9));
    // Kaplan 2020 Table 5: N = 1.3e9 (C / PF-day)^0.73
    assertThat(j.get("kaplan2020").get("params").asDouble())
        .isCloseTo(1.3e9 * Math.pow(1e24 / 8.64e19, 0.73), withPercentage(1e-9));
    assertThat(m.get("servingFlopsPerToken").asDouble())
        .isEqualTo(2.0 * 7_504_924_672L + 4.0 * 32 * 128 * 8192 * 32);
  }

  @Test
  void optimal_withAModelAndUniqueTokens_isBadInput() throws Exception {
    CliHarness r =
        CliHarness.line("scaling optimal --flops 1e24 --model llama-3.1-8b --unique-tokens 1e12");
    r.isBadInput("--model");
  }

  @Test
  void fit_recoversConstantsFromACsvAndSavesAFileThatOptimalReads(@TempDir Path dir)
      throws Exception {
    ChinchillaLaw truth = new ChinchillaLaw(1.8, 480, 2100, 0.35, 0.37);
    Path csv = dir.resolve("runs.csv");
    StringBuilder sb = new StringBuilder("params,tokens,loss\n");
    Random rng = new Random(11);
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < 5; k++) {
        double n = 5e7 * Math.pow(100, i / 5.0);
        double d = n * 5 * Math.pow(40, k / 4.0);
        double loss = truth.loss(n, d) * Math.exp(0.002 * rng.nextGaussian());
        sb.append(String.format(Locale.ROOT, "%.6e,%.6e,%.6f%n", n, d, loss));
      }
    }
    Files.writeString(csv, sb);
    Path saved = dir.resolve("fit.json");
    CliHarness r =
        fit(
            csv,
            "--rounds",
            "30",
            "--seed",
            "7",
            "--flops",
            "1e24",
            "--save",
            saved.toString(),
            "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("E").asDouble()).isCloseTo(1.8, withPercentage(2));
    assertThat(j.get("alpha").asDouble()).isCloseTo(0.35, within(0.03));
    assertThat(j.get("beta").asDouble()).isCloseTo(0.37, within(0.03));
    for (String k : new String[] {"A", "B", "objective"}) {
      assertThat(j.has(k)).as(k).isTrue();
    }
    assertThat(j.get("residuals").get("points")).hasSize(30);
    assertThat(j.get("intervals").get("alpha").get("low").asDouble())
        .isLessThan(j.get("alpha").asDouble());
    assertThat(j.get("extrapolations").get(0).get("intervals").has("params")).isTrue();

    CliHarness o =
        CliHarness.run(
            "scaling", "optimal", "--flops", "1e24", "--fit", saved.toString(), "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.json().get("intervals").get("params").get("high").asDouble())
        .isGreaterThan(o.json().get("params").asDouble());
  }

  @Test
  void budget_answersWhichModelToTrainAndWhatItCosts() throws Exception {
    CliHarness r =
        CliHarness.line(
            "scaling budget --cost 2e6 --price-per-gpu-hour 2 "
                + "--gpu h100-sxm --mfu 0.4 --gpus 1000 --json");
    JsonNode j = r.okJson();
    assertThat(j.get("gpuHours").asDouble()).isCloseTo(1e6, withPercentage(1e-9));
    assertThat(j.get("cost").asDouble()).isCloseTo(2e6, withPercentage(1e-9));
    assertThat(j.get("wallSeconds").asDouble()).isCloseTo(3600e3, withPercentage(1e-9));
    assertThat(j.get("servingFlopsPerToken").asDouble()).isEqualTo(2 * j.get("params").asDouble());
  }

  @Test
  void suffixedCountsParse() throws Exception {
    CliHarness a =
        CliHarness.run("scaling", "loss", "--params", "70B", "--tokens", "1.4T", "--json");
    CliHarness b =
        CliHarness.run("scaling", "loss", "--params", "7e10", "--tokens", "1.4e12", "--json");
    assertThat(a.json().get("loss").asDouble()).isEqualTo(b.json().get("loss").asDouble());
  }

  @Test
  void reachAndOvertrainAndIsoflop_run() throws Exception {
    assertThat(
            CliHarness.run("scaling", "reach", "--loss", "2.0", "--params", "8B", "--json")
                .json()
                .get("tokens")
                .asDouble())
        .isGreaterThan(1e12);
    assertThat(
            CliHarness.run("scaling", "overtrain", "--params", "8B", "--json").json().get("rows"))
        .hasSize(8);
    assertThat(
            CliHarness.run("scaling", "isoflop", "--flops", "1e21,1e22", "--points", "5", "--json")
                .json()
                .get("curves"))
        .hasSize(2);
  }

  @Test
  void badInput_exitsWith2AndOneLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "params,tokens,loss\n1e8,2e9,3.1\n1e9,2e10,oops\n");
    String[][] cases = {
      {"scaling", "fit", "--data", dir.resolve("missing.csv").toString()},
      {"scaling", "fit", "--data", bad.toString()},
      {"scaling", "optimal", "--flops", "-1e24"},
      {"scaling", "optimal", "--flops", "1e24", "--fit", "nonesuch"},
      {"scaling", "budget", "--cost", "1e6", "--gpu", "h100-sxm", "--mfu", "0.4"},
      {"scaling", "reach", "--loss", "1.0"},
    };
    String[] expect = {
      "missing.csv: no such file",
      "bad.csv, line 3: field 'loss': cannot read 'oops' as a number",
      "field '--flops': must be a positive number",
      "unknown fit 'nonesuch'",
      "needs --price-per-gpu-hour",
      "irreducible loss",
    };
    for (int i = 0; i < cases.length; i++) {
      CliHarness r = CliHarness.run(cases[i]);
      assertThat(r.exitCode()).as(String.join(" ", cases[i])).isEqualTo(Hwplan.BAD_INPUT);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).contains(expect[i]).doesNotContain("Exception");
    }
  }

  /** Nine runs on a 3 x 3 grid: enough to fit, too few for a bootstrap to bound the fit. */
  @Test
  void fit_onTooFewRunsForTheBootstrap_reportsIntervalsAsUndetermined(@TempDir Path dir)
      throws Exception {
    ChinchillaLaw truth = new ChinchillaLaw(1.8, 480, 2100, 0.35, 0.37);
    StringBuilder sb = new StringBuilder("params,tokens,loss\n");
    Random rng = new Random(3);
    for (double n : new double[] {1e8, 1e9, 1e10}) {
      for (double d : new double[] {2e9, 2e10, 2e11}) {
        double loss = truth.loss(n, d) * Math.exp(0.01 * rng.nextGaussian());
        sb.append(String.format(Locale.ROOT, "%.6e,%.6e,%.6f%n", n, d, loss));
      }
    }
    Path csv = Files.writeString(dir.resolve("nine.csv"), sb);
    Path saved = dir.resolve("fit.json");
    CliHarness r =
        fit(csv, "--rounds", "100", "--flops", "1e24", "--save", saved.toString(), "--json");
    JsonNode j = r.okJson();
    assertThat(j.get("intervals").size()).isZero();
    assertThat(j.get("bootstrap").get("unidentified").asInt()).isGreaterThan(5);
    assertThat(j.get("bootstrap").get("intervalsUndetermined").asText())
        .contains("do not identify the 5 constants", "intervals undetermined");
    assertThat(j.get("extrapolations").get(0).get("intervals").size()).isZero();
    assertThat(JSON.readTree(saved.toFile()).get("bootstrapSamples").size()).isZero();
    // the same input gives the same JSON and the same saved fit; wall-clock times on request only
    Path again = dir.resolve("again.json");
    CliHarness r2 =
        fit(csv, "--rounds", "100", "--flops", "1e24", "--save", again.toString(), "--json");
    assertThat(r2.out()).isEqualTo(r.out());
    assertThat(Files.readString(again)).isEqualTo(Files.readString(saved));
    assertThat(j.has("fitSeconds") || j.has("bootstrapSeconds")).isFalse();
    JsonNode timed = fit(csv, "--rounds", "100", "--json", "--timings").okJson();
    assertThat(timed.get("fitSeconds").asDouble()).isPositive();
    assertThat(timed.get("bootstrapSeconds").asDouble()).isPositive();
    CliHarness text = fit(csv, "--rounds", "100");
    assertThat(text.out()).contains("unidentified").contains("intervals undetermined");
    assertThat(text.out()).doesNotContain("95% intervals");
  }

  @Test
  void fit_onRunsThatDoNotIdentifyTheConstants_isRefused(@TempDir Path dir) throws Exception {
    Path csv =
        Files.writeString(
            dir.resolve("six.csv"), "params,tokens,loss\n" + "1e8,2e9,3.0\n".repeat(6));
    CliHarness r = fit(csv);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip())
        .startsWith("hwplan: error: " + csv + ": 6 runs at 1 distinct model size(s)")
        .contains("do not identify the 5 constants");
    assertThat(r.out()).isEmpty();
  }
}
