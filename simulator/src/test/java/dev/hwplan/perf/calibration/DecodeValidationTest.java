package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The calibrated model against decode shapes it never saw: 120 shapes per GPU (group sizes 1, 2, 4,
 * 5, 6, 7, 8, 16 and 64, batch 2 to 64, context 2k to 24k) measured with the same harness after the
 * calibration was committed ({@code kernels/cuda/results/<gpu>/decode-validation.*}, with the
 * command and device beside it). None of these shapes is in the committed calibration data, so the
 * product's calibration, fitted on all of that data, predicts every row out of sample. The limits
 * pin today's errors with a small margin, so the test fails when they grow.
 */
class DecodeValidationTest {
  private static final Path RESULTS = Path.of("..", "kernels", "cuda", "results");

  record Errors(int n, double median, double p90, double max) {}

  static Errors errors(String gpuId) throws Exception {
    JsonNode doc =
        new ObjectMapper()
            .readTree(Files.readString(RESULTS.resolve(gpuId).resolve("decode-validation.json")));
    assertThat(doc.get("status").asText()).isEqualTo("ok");
    GpuProfile gpu = ProfileCatalog.bundled().get(gpuId);
    OpTimeModel model = Calibrations.model(gpu, Mode.CALIBRATED);
    List<String> committed =
        Calibrations.measurements(gpuId).orElseThrow().attention().stream()
            .map(Rows.Attention::key)
            .toList();
    List<Double> errors = new ArrayList<>();
    for (Rows.Attention r : Measurements.attentionRows(doc)) {
      assertThat(committed)
          .as("validation shape %s is out of sample", r.key())
          .doesNotContain(r.key());
      double predicted = model.predict(RowOps.attentionOp(r, AttentionKernel.SPLIT_K)).seconds();
      errors.add(Math.abs(predicted / r.seconds() - 1));
    }
    double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Errors(
        e.length, Stats.percentile(e, 0.5), Stats.percentile(e, 0.9), e[e.length - 1]);
  }

  /** Per GPU: the median and p90 |error| the errors must stay below. */
  @ParameterizedTest
  @CsvSource({"h100-sxm, 0.030, 0.105", "h200-sxm, 0.045, 0.13"})
  void outOfSampleErrorsStayBelowTheirLimits(String gpu, double median, double p90)
      throws Exception {
    Errors e = errors(gpu);
    System.out.printf(Locale.ROOT, "%s validation %s%n", gpu, e);
    assertThat(e.n()).isEqualTo(120);
    assertThat(e.median()).isLessThan(median);
    assertThat(e.p90()).isLessThan(p90);
  }
}
