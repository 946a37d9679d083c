package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.HfConfigReader;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import org.junit.jupiter.api.Test;

/**
 * What a row of the harness's serving-step section ({@code --sections step},
 * kernels/cuda/src/serving_step.cuh; grid declared in kernels/cuda/v22) is predicted as, for its
 * validation once measured: the bundled model cut to the row's layers, one GPU, bf16 weights and
 * cache, the {@code fused} form, a decode step of {@code batch} sequences over {@code context}
 * cached tokens (the new one's K/V written at {@code context - 1}). The same number {@code infer}
 * prints as TPOT for that deployment.
 */
class ServingStepRowsTest {
  private static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");

  /** The model of a row: the bundled config with {@code layers} of its layers. */
  static ModelSpec model(JsonNode row) {
    String id = row.path("model").asText();
    int layers = row.path("layers").asInt();
    ModelSpec whole = ModelCatalog.resolve(id);
    if (layers == whole.numHiddenLayers()) {
      return whole;
    }
    ObjectNode cfg = ModelCatalog.rawConfig(id).deepCopy();
    cfg.put("num_hidden_layers", layers);
    return HfConfigReader.read(
        cfg, id + "-" + layers + "layers", id + " with " + layers + " layers (serving_step.cuh)");
  }

  /** The step configuration of a row: one GPU, bf16, the fused (serving-engine) form. */
  static StepConfig config(JsonNode row) {
    return new StepConfig(
        model(row),
        Parallelism.single(),
        WeightDtype.BF16,
        KvDtype.BF16,
        MlaLayout.LATENT,
        Execution.FUSED);
  }

  /**
   * The step of a row: a decode over the cache's {@code context} tokens, the new one's included.
   */
  static StepComposition step(JsonNode row) {
    return StepComposition.decode(row.path("batch").asLong(), row.path("context").asLong());
  }

  static JsonNode row(String model, int layers, int batch, int context) {
    return new ObjectMapper()
        .createObjectNode()
        .put("model", model)
        .put("layers", layers)
        .put("batch", batch)
        .put("context", context);
  }

  @Test
  void aWholeModelsRowIsPredictedAsInferPredictsItsTpot() {
    JsonNode r = row("llama-3.1-8b", 32, 8, 2048);
    double predicted = Calibrations.stepModel(config(r), H100).time(step(r)).seconds();
    // infer decodes at prompt + output / 2: 1984 + 64 = 2048 tokens
    InferenceEstimate e =
        InferenceEstimator.estimate(
            new InferenceRequest(config(r), H100, 8, 1984, 128, Mode.CALIBRATED));
    assertThat(e.decodeContext()).isEqualTo(2048);
    assertThat(predicted).isEqualTo(e.tpotSeconds());
  }

  @Test
  void aRowOfFewerLayersCutsTheModel() {
    JsonNode r = row("llama-3.1-70b", 8, 16, 4096);
    ModelSpec m = model(r);
    assertThat(m.numHiddenLayers()).isEqualTo(8);
    assertThat(m.layers()).hasSize(8);
    assertThat(m.hiddenSize()).isEqualTo(8192);
    double eight = Calibrations.stepModel(config(r), H100).time(step(r)).seconds();
    double all =
        Calibrations.stepModel(config(row("llama-3.1-70b", 80, 16, 4096)), H100)
            .time(step(r))
            .seconds();
    // the layers are most of a step; the head and embedding are there either way
    assertThat(eight / all).isBetween(0.1, 0.2);
  }
}
