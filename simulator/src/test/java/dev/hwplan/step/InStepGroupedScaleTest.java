package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpKind;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.perf.calibration.RowOps;
import dev.hwplan.perf.calibration.Rows;
import dev.hwplan.perf.device.Bound;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SustainedClock#IN_STEP_GROUPED_SCALE} is what its fit on the training steps gives: the
 * median, over the MoE prefill rows of {@code h200-sxm/step-profiles-train.json} whose grouped
 * GEMMs the calibrated model times as compute-bound, and over both profiled graphs ({@code graph}:
 * eager, {@code fused}: compiled), of the grouped kernels' measured time in the step over the
 * calibrated model's time of the step's grouped-GEMM ops (before any step-context factor).
 */
class InStepGroupedScaleTest {
  static final Path TRAIN =
      Path.of("..", "kernels", "cuda", "results", "h200-sxm", "step-profiles-train.json");

  static double fit() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(Files.readString(TRAIN));
    OpTimeModel model =
        Calibrations.model(ProfileCatalog.bundled().get("h200-sxm"), Mode.CALIBRATED);
    List<Rows.StepForm> rows = RowOps.stepForms(doc);
    List<Double> ratios = new ArrayList<>();
    int i = 0;
    for (JsonNode raw : doc.path("rows")) {
      Rows.StepForm r = rows.get(i++);
      if (!r.kind().equals("prefill") || !raw.path("expertTokenCounts").isArray()) {
        continue;
      }
      for (Execution form : List.of(Execution.EAGER, Execution.COMPILED)) {
        OpGraph graph =
            TransformerStep.build(RowOps.stepFormConfig(r, form), RowOps.stepFormStep(r));
        double predicted = 0;
        boolean compute = true;
        for (Op op : graph.ops()) {
          if (op.kind() == OpKind.GROUPED_GEMM) {
            Prediction p = model.predict(op);
            predicted += p.seconds() * op.count();
            compute &= p.bound() == Bound.COMPUTE;
          }
        }
        double measured = 0;
        JsonNode profile = raw.path("profiles").path(form == Execution.EAGER ? "graph" : "fused");
        for (JsonNode k : profile.path("kernels")) {
          if (k.path("name").asText().contains("GroupProblemShape")) {
            measured += k.path("secondsPerStep").asDouble();
          }
        }
        if (compute && predicted > 0 && measured > 0) {
          ratios.add(measured / predicted);
        }
      }
    }
    double[] v = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    assertThat(v).as("training rows with compute-bound grouped GEMMs").hasSizeGreaterThan(3);
    System.out.println("in-step grouped ratios " + Arrays.toString(v));
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  @Test
  void theConstantIsItsFitOnTheTrainingSteps() throws Exception {
    assertThat(SustainedClock.IN_STEP_GROUPED_SCALE).isCloseTo(fit(), within(5e-4));
  }
}
