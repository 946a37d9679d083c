package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.Direction;
import dev.hwplan.regress.History;
import dev.hwplan.regress.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The done-when for regression tracking, as a user runs it. */
class RegressCommandTest {
  /** One run: kv.calculator at {@code kvMean} and memory.inference at 250 µs, 2% noise. */
  static RunRecord run(int i, double kvMean, Random rnd) {
    return new RunRecord(
        String.format("%07x", 0xabc000 + i),
        "ci-2core",
        String.format("2026-11-%02dT06:00:00Z", 1 + i),
        List.of(timed("kv.calculator", kvMean, rnd), timed("memory.inference", 250e-6, rnd)));
  }

  static BenchmarkResult timed(String name, double mean, Random rnd) {
    List<Double> s = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      s.add(mean * (1 + 0.02 * rnd.nextGaussian()));
    }
    double[] sorted = s.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = (sorted[4] + sorted[5]) / 2;
    return new BenchmarkResult(name, "seconds", Direction.SMALLER_IS_BETTER, median, s);
  }

  /** A history of 12 runs and a current run whose kv.calculator is {@code factor} as slow. */
  static Path[] setUp(Path dir, double factor, long seed) throws Exception {
    Random rnd = new Random(seed);
    Path h = dir.resolve("history.jsonl");
    for (int i = 0; i < 12; i++) {
      History.append(h, run(i, 1.2e-6, rnd));
    }
    Path c = dir.resolve("current.json");
    Files.writeString(c, IndentedJson.text(run(12, 1.2e-6 * factor, rnd)));
    return new Path[] {h, c};
  }

  /**
   * {@code hwplan regress} of the history {@code f[0]} and the run {@code f[1]}, then {@code more}.
   */
  static CliHarness regress(Path[] f, String... more) {
    return CliHarness.run(
        List.of("regress", "--history", f[0].toString(), "--current", f[1].toString()), more);
  }

  @Test
  void aPlanted30PercentSlowdownExitsOneWithAChartOfIt(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.3, 42);
    long linesBefore = Files.readAllLines(f[0]).size();
    Path out = dir.resolve("out");
    CliHarness r = regress(f, "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(Hwplan.CHECK_FAILED);
    assertThat(r.out()).contains("REGRESSED", "REGRESSION: kv.calculator");
    assertThat(r.out()).containsPattern("memory.inference +unchanged");
    // Appended even though it regressed: the history is a record.
    assertThat(Files.readAllLines(f[0])).hasSize((int) linesBefore + 1);
    Path png = out.resolve("report/charts/trend-kv.calculator.png");
    assertThat(Files.size(png)).isPositive();
    assertThat(Files.readString(out.resolve("report/charts/trend-kv.calculator.svg")))
        .contains("<svg");
    assertThat(Files.readString(out.resolve("report/report.md")))
        .contains("1 metric regressed", "`kv.calculator`");
    assertThat(out.resolve("report/index.html")).exists();
    assertThat(out.resolve("github-action-benchmark.customSmallerIsBetter.json")).exists();
    assertThat(out.resolve("bencher.bmf.json")).exists();
  }

  @Test
  void anUnchangedRunExitsZero(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.0, 43);
    CliHarness r = regress(f, "--out", dir.resolve("out").toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("No regression.");
  }

  /**
   * A history of 12 runs with a deterministic accuracy metric (no samples, the same value every
   * run) and a timed one, and a current run whose accuracy figure is {@code accuracy}.
   */
  static Path[] accuracyHistory(Path dir, double accuracy) throws Exception {
    Random rnd = new Random(7);
    Path h = dir.resolve("history.jsonl");
    for (int i = 0; i < 12; i++) {
      History.append(h, accuracyRun(i, 0.037, rnd));
    }
    Path c = dir.resolve("current.json");
    Files.writeString(c, IndentedJson.text(accuracyRun(12, accuracy, rnd)));
    return new Path[] {h, c};
  }

  static RunRecord accuracyRun(int i, double gemmMedianError, Random rnd) {
    return new RunRecord(
        String.format("%07x", 0xabc000 + i),
        "ci-2core",
        String.format("2026-11-%02dT06:00:00Z", 1 + i),
        List.of(
            timed("kv.calculator", 1.2e-6, rnd),
            new BenchmarkResult(
                "predict.gemm.h100.medianError",
                "ratio",
                Direction.SMALLER_IS_BETTER,
                gemmMedianError)));
  }

  @Test
  void aWorseGemmPredictionErrorIsARegression(@TempDir Path dir) throws Exception {
    Path[] f = accuracyHistory(dir, 0.045); // 3.7 % -> 4.5 %: 22 % worse, over the 10 % threshold
    CliHarness r = regress(f, "--json");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(Hwplan.CHECK_FAILED);
    JsonNode j = r.json();
    assertThat(j.get("regressedMetrics").get(0).asText())
        .isEqualTo("predict.gemm.h100.medianError");
    JsonNode m = j.get("metrics").get(1);
    assertThat(m.get("verdict").asText()).isEqualTo("regressed");
    assertThat(m.get("test").asText()).isEqualTo("robust-z");
    assertThat(j.get("metrics").get(0).get("verdict").asText()).isEqualTo("unchanged");
  }

  @Test
  void anUnchangedOrBetterGemmPredictionErrorPasses(@TempDir Path dir) throws Exception {
    for (double v : new double[] {0.037, 0.038, 0.030}) {
      Path d = Files.createDirectories(dir.resolve("v" + v));
      Path[] f = accuracyHistory(d, v);
      CliHarness r = regress(f, "--json");
      assertThat(r.exitCode()).as("%s: %s", v, r.out() + r.err()).isZero();
      String verdict = r.json().get("metrics").get(1).get("verdict").asText();
      assertThat(verdict).isEqualTo(v == 0.030 ? "improved" : "unchanged");
    }
  }

  @Test
  void jsonIsOneObjectWithEveryMetric(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.3, 44);
    CliHarness r = regress(f, "--json", "--no-append");
    assertThat(r.exitCode()).isEqualTo(Hwplan.CHECK_FAILED);
    JsonNode j = r.json();
    assertThat(j.get("regressed").asBoolean()).isTrue();
    assertThat(j.get("regressedMetrics").get(0).asText()).isEqualTo("kv.calculator");
    assertThat(j.get("historyRuns").asInt()).isEqualTo(12);
    assertThat(j.get("appended").asBoolean()).isFalse();
    JsonNode kv = j.get("metrics").get(0);
    assertThat(kv.get("verdict").asText()).isEqualTo("regressed");
    assertThat(kv.get("ratio").asDouble()).isBetween(1.25, 1.35);
    assertThat(kv.get("pValue").asDouble()).isLessThan(0.05);
    assertThat(kv.get("baselineMedian").asDouble()).isBetween(1.15e-6, 1.25e-6);
    assertThat(j.get("metrics").get(1).get("verdict").asText()).isEqualTo("unchanged");
    assertThat(Files.readAllLines(f[0])).hasSize(12); // --no-append
  }

  @Test
  void aBadHistoryLineIsBadInputNamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.0, 45);
    List<String> lines = new ArrayList<>(Files.readAllLines(f[0]));
    lines.set(
        6, lines.get(6).replace("\"direction\":\"smaller_is_better\"", "\"direction\":\"down\""));
    Files.write(f[0], lines);
    String before = Files.readString(f[0]);
    CliHarness r = regress(f);
    assertThat(r.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains(f[0] + " line 7", "benchmarks[0].direction", "smaller_is_better");
    assertThat(Files.readString(f[0])).isEqualTo(before); // nothing appended to a bad history
  }

  @Test
  void aBadCurrentRecordIsBadInputNamingTheField(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.0, 46);
    Files.writeString(f[1], Files.readString(f[1]).replaceFirst("\"commit\" : \"[0-9a-f]+\",", ""));
    CliHarness r = regress(f);
    assertThat(r.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(r.err()).contains("current.json", "commit", "missing");
  }

  @Test
  void badSettingsAreBadInput(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.0, 47);
    CliHarness r = regress(f, "--alpha", "2");
    assertThat(r.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(r.err()).contains("--alpha");
  }

  @Test
  void aFirstRunStartsTheHistory(@TempDir Path dir) throws Exception {
    Path[] f = setUp(dir, 1.0, 48);
    Path fresh = dir.resolve("new/history.jsonl");
    // A history in a folder that does not exist: bad input; hwplan creates no folder for it.
    CliHarness missing =
        CliHarness.run("regress", "--history", fresh.toString(), "--current", f[1].toString());
    assertThat(missing.exitCode()).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(missing.err()).contains("--history", "does not exist");
    assertThat(fresh.getParent()).doesNotExist();
    Files.createDirectory(fresh.getParent());
    CliHarness r =
        CliHarness.run("regress", "--history", fresh.toString(), "--current", f[1].toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("new");
    assertThat(History.read(fresh)).hasSize(1);
  }
}
