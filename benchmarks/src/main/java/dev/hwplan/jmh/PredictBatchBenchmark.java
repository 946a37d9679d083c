package dev.hwplan.jmh;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.batch.BatchPredictor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@code hwplan predict --input} without the process: parse 10,000 OPS.jsonl lines (a mix of GEMM,
 * decode attention and collectives on two GPUs), predict each, and write the JSON array. Reported
 * per op, in ops/s. Target: at least 100,000 ops/s.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PredictBatchBenchmark extends EstimatorBenchmark {
  static final int OPS = 10_000;

  @Param({"calibrated", "measured"})
  public String mode;

  private String input;
  private BatchPredictor predictor;

  @Setup
  public void setUp() {
    StringBuilder sb = new StringBuilder();
    String[] gpus = {"h100-sxm", "h200-sxm"};
    for (int i = 0; i < OPS; i++) {
      String gpu = gpus[i % 2];
      switch (i % 3) {
        case 0 ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "{\"op\":\"gemm\",\"gpu\":\"%s\",\"m\":%d,\"n\":4096,\"k\":%d,\"dtype\":\"%s\"}%n",
                    gpu,
                    1 << (i % 13),
                    (i % 2 == 0) ? 4096 : 14336,
                    (i % 5 == 0) ? "fp8" : "bf16"));
        case 1 ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "{\"op\":\"attention\",\"gpu\":\"%s\",\"phase\":\"decode\",\"batch\":%d,"
                        + "\"heads\":32,\"kvHeads\":8,\"headDim\":128,\"context\":%d,\"dtype\":\"bf16\"}%n",
                    gpu,
                    1 + i % 64,
                    1024 << (i % 5)));
        default ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "{\"op\":\"collective\",\"collective\":\"all-reduce\",\"gpu\":\"%s\","
                        + "\"gpus\":%d,\"bytes\":%d}%n",
                    gpu,
                    2 << (i % 3),
                    1L << (20 + i % 10)));
      }
    }
    input = sb.toString();
    predictor = new BatchPredictor(ProfileCatalog.bundled(), Mode.parse(mode, "mode"));
    // Fit the calibrations before timing, as the first line of a real run would.
    predictor.model("h100-sxm", Mode.parse(mode, "mode"), "setup");
    predictor.model("h200-sxm", Mode.parse(mode, "mode"), "setup");
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public int predictAll() throws IOException {
    StringWriter out = new StringWriter(OPS * 320);
    predictor.run(new BufferedReader(new StringReader(input)), "bench.jsonl", out);
    return out.getBuffer().length();
  }
}
