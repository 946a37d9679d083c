package dev.hwplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.cli.Hwplan;
import dev.hwplan.scenario.SweepFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwplan run SCENARIO --engine spark --master local[2]} as a user runs it: the report's
 * tables and Markdown are the local run's byte for byte, and a bad point is the same one line on
 * stderr with exit code 2.
 */
class SparkRunCommandTest {
  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Hwplan.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** {@code hwplan run YAML --out OUT} on a local Spark master of two threads. */
  private static Result runOnSpark(Path yaml, Path out) {
    return cli(
        "run",
        yaml.toString(),
        "--out",
        out.toString(),
        "--engine",
        "spark",
        "--master",
        "local[2]");
  }

  @Test
  void runWithTheSparkEngineWritesTheLocalReport(@TempDir Path tmp) throws Exception {
    Path yaml = tmp.resolve("study.yaml");
    Files.writeString(yaml, SparkSweepExecutorTest.STUDY);
    Result local = cli("run", yaml.toString(), "--out", tmp.resolve("local").toString());
    assertThat(local.code()).as(local.err()).isZero();
    Result spark = runOnSpark(yaml, tmp.resolve("spark"));
    assertThat(spark.code()).as(spark.err()).isZero();
    SweepFixtures.assertSameFiles(tmp.resolve("local"), tmp.resolve("spark"), ".csv", ".md");
    // the summary on stdout names the other folder, and is otherwise the same
    assertThat(spark.out().replace(tmp.resolve("spark").toString(), "OUT"))
        .isEqualTo(local.out().replace(tmp.resolve("local").toString(), "OUT"));
  }

  @Test
  void aBadPointIsTheSameOneLineAndExitCode2(@TempDir Path tmp) throws Exception {
    Path yaml = tmp.resolve("bad.yaml");
    Files.writeString(yaml, SweepFixtures.BAD_POINTS);
    Result local = cli("run", yaml.toString(), "--out", tmp.resolve("local").toString());
    Result spark = runOnSpark(yaml, tmp.resolve("spark"));
    assertThat(local.code()).isEqualTo(2);
    assertThat(spark.code()).isEqualTo(2);
    assertThat(local.err())
        .startsWith("hwplan: error: " + yaml + ": field 'studies[0].tp': ")
        .contains("(line 7)");
    assertThat(spark.err()).isEqualTo(local.err());
    assertThat(spark.err().lines()).hasSize(1);
    assertThat(tmp.resolve("spark")).doesNotExist();
  }

  @Test
  void findMinGpusOnSparkGivesTheLocalAnswer() {
    String[] search = {
      "serve",
      "--model",
      "llama-3.1-8b",
      "--gpu",
      "h100-sxm,a100-sxm-80gb",
      "--weights-dtype",
      "bf16",
      "--find-min-gpus",
      "--qps",
      "30",
      "--prompt-tokens",
      "uniform:200:1500",
      "--output-tokens",
      "uniform:20:200",
      "--slo-ttft",
      "0.3",
      "--slo-tpot",
      "0.03",
      "--requests",
      "300",
      "--price-per-gpu-hour",
      "h100-sxm=2.5,a100-sxm-80gb=1.5",
      "--json"
    };
    Result local = cli(search);
    assertThat(local.code()).as(local.err()).isZero();
    String[] onSpark = java.util.Arrays.copyOf(search, search.length + 4);
    System.arraycopy(
        new String[] {"--engine", "spark", "--master", "local[2]"}, 0, onSpark, search.length, 4);
    Result spark = cli(onSpark);
    assertThat(spark.code()).as(spark.err()).isZero();
    // every candidate of the 2 GPUs x 4 TPs x 2 KV dtypes, in the same order, and the same best
    assertThat(spark.out()).isEqualTo(local.out()).contains("\"best\"", "\"candidates\"");
  }

  @Test
  void aMasterSparkCannotUseIsBadInput(@TempDir Path tmp) {
    Result r =
        cli(
            "run",
            "mla-vs-gqa-memory.yaml",
            "--out",
            tmp.resolve("r").toString(),
            "--engine",
            "spark",
            "--master",
            "nowhere://x");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("'--master': Spark cannot use 'nowhere://x'");
  }
}
