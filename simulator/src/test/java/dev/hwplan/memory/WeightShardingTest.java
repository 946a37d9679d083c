package dev.hwplan.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.TransformerStep;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The weights a TP rank holds (what {@code memory} and {@code infer} count) are the weights its
 * step graph multiplies by: one sharding, seen from two sides. A prefill step runs every linear
 * layer once per layer (MLA in its expanded form, so {@code kv_b_proj} is a plain GEMM); the routed
 * experts' grouped GEMMs give each expert's shape, held for every expert of the layer.
 */
class WeightShardingTest {
  @ParameterizedTest
  @CsvSource({
    "llama-3.1-8b, 1",
    "llama-3.1-70b, 4",
    "llama-3.1-70b, 8",
    "mixtral-8x7b, 2",
    "deepseek-v2-lite, 2",
    "deepseek-v3, 8",
    "qwen2.5-72b, 8",
    "gemma-2-9b, 2"
  })
  void memoryCountsTheWeightsTheStepGraphMultiplies(String id, int tp) {
    ModelSpec m = ModelCatalog.resolve(id);
    StepConfig c = StepConfig.of(m, Parallelism.of(tp, 1));
    double graph = 0;
    for (Op op : TransformerStep.build(c, StepComposition.prefill(1, 16)).ops()) {
      boolean layerLinear =
          op.name().startsWith("attn.")
              || op.name().startsWith("mlp.")
              || op.name().startsWith("moe.");
      if (op.shape() instanceof OpShape.Gemm g && layerLinear && !op.name().equals("moe.router")) {
        graph += (double) g.n() * g.k() * op.count();
      } else if (op.shape() instanceof OpShape.GroupedGemm g) {
        graph += (double) g.n() * g.k() * m.moe().nRoutedExperts() * op.count();
      }
    }
    // The MLA norms inside the attention block (q_a_norm, kv_a_norm) are weights but no GEMM.
    double mlaNorms =
        m.mla() == null
            ? 0
            : (double)
                    ((m.mla().qLoraRank() == null ? 0 : m.mla().qLoraRank()) + m.mla().kvLoraRank())
                * m.numHiddenLayers();
    // Q/K/V biases (Qwen2) are weights split with their columns, added without a GEMM.
    double qkvBias =
        m.architecture().qkvBias()
            ? (double) (m.numAttentionHeads() + 2 * m.numKeyValueHeads())
                * m.headDim()
                * m.numHiddenLayers()
                / tp
            : 0;
    assertThat(InferenceMemoryCalculator.linearParamsPerRank(m, tp))
        .as("%s TP %d", id, tp)
        .isEqualTo(graph + mlaNorms + qkvBias);
  }
}
