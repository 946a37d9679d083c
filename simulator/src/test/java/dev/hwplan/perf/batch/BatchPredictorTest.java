package dev.hwplan.perf.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.perf.Mode;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batched, parallel run writes what predicting the lines one by one in order writes. */
class BatchPredictorTest {
  private static List<String> lines(int n, long seed) {
    Random r = new Random(seed);
    String[] gpus = {"h100-sxm", "h200-sxm", "a100-sxm-80gb"};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String gpu = gpus[r.nextInt(gpus.length)];
      out.add(
          switch (r.nextInt(3)) {
            case 0 ->
                "{\"op\":\"gemm\",\"gpu\":\"%s\",\"m\":%d,\"n\":4096,\"k\":%d}"
                    .formatted(gpu, 1 + r.nextInt(4096), 256 * (1 + r.nextInt(32)));
            case 1 ->
                ("{\"op\":\"attention\",\"gpu\":\"%s\",\"phase\":\"decode\",\"batch\":%d,"
                        + "\"heads\":32,\"kvHeads\":8,\"headDim\":128,\"context\":%d}")
                    .formatted(gpu, 1 + r.nextInt(64), 1024 * (1 + r.nextInt(32)));
            default ->
                "{\"op\":\"collective\",\"collective\":\"all-reduce\",\"gpu\":\"%s\",\"gpus\":%d,\"bytes\":%d}"
                    .formatted(gpu, 2 << r.nextInt(3), 1 << (20 + r.nextInt(10)));
          });
      if (r.nextInt(50) == 0) {
        out.add("   ");
      }
    }
    return out;
  }

  @Test
  void batchedOutputEqualsTheLineByLineOutput() throws Exception {
    List<String> in = lines(3 * BatchPredictor.BATCH + 17, 7);
    StringWriter batched = new StringWriter();
    long n =
        new BatchPredictor(ProfileCatalog.bundled(), Mode.CALIBRATED)
            .run(new BufferedReader(new StringReader(String.join("\n", in))), "ops.jsonl", batched);

    BatchPredictor one = new BatchPredictor(ProfileCatalog.bundled(), Mode.CALIBRATED);
    ObjectMapper mapper = new ObjectMapper();
    StringWriter sequential = new StringWriter();
    JsonGenerator g = BatchPredictor.generator(sequential);
    g.writeStartArray();
    long count = 0;
    for (int i = 0; i < in.size(); i++) {
      if (in.get(i).isBlank()) {
        continue;
      }
      String source = "ops.jsonl:" + (i + 1);
      OpRequest r = OpRequests.fromJson(mapper.readTree(in.get(i)), source, Mode.CALIBRATED);
      BatchPredictor.write(g, r.gpu(), one.predict(r, source));
      count++;
    }
    g.writeEndArray();
    g.writeRaw('\n');
    g.flush();
    assertThat(n).isEqualTo(count).isGreaterThan(3L * BatchPredictor.BATCH);
    assertThat(batched.toString()).isEqualTo(sequential.toString());
  }

  @Test
  void theFirstBadLineOfABatchIsTheOneReported() {
    List<String> in = lines(BatchPredictor.BATCH + 100, 11);
    int first = BatchPredictor.BATCH + 40;
    in.set(first + 2, "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":-1,\"n\":1,\"k\":1}");
    in.set(first, "{\"op\":\"gemm\",\"gpu\":\"no-such-gpu\",\"m\":1,\"n\":1,\"k\":1}");
    StringWriter out = new StringWriter();
    assertThatThrownBy(
            () ->
                new BatchPredictor(ProfileCatalog.bundled(), Mode.CALIBRATED)
                    .run(
                        new BufferedReader(new StringReader(String.join("\n", in))),
                        "ops.jsonl",
                        out))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> {
              InvalidInputException x = (InvalidInputException) e;
              assertThat(x.source()).isEqualTo("ops.jsonl:" + (first + 1));
              assertThat(x.field()).isEqualTo("gpu");
            });
  }
}
