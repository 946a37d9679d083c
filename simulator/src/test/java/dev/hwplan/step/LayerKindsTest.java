package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model's layer kinds ({@link LayerKinds}) against its layers: every layer has exactly one kind
 * of its MLP kind and window, each kind counts its layers, and the kinds come in the order of their
 * first layer; and the memo behind the step model ({@link StepTimes#layerKinds}) answers by the
 * model's value.
 */
class LayerKindsTest {
  /** Contexts below, at and above the bundled models' windows, and one no window binds. */
  private static final long[] CONTEXTS = {1, 512, 4096, 4097, 131_072, Long.MAX_VALUE};

  @Test
  void everyBundledModelsLayersFallIntoOneKindEachInOrderOfFirstLayer() {
    for (ModelSpec m : ModelCatalog.all().values()) {
      LayerKinds kinds = LayerKinds.of(m);
      int[] counted = new int[kinds.size()];
      int[] firstLayer = new int[kinds.size()];
      java.util.Arrays.fill(firstLayer, -1);
      List<LayerSpec> layers = m.layers();
      for (int i = 0; i < layers.size(); i++) {
        LayerSpec l = layers.get(i);
        List<Integer> matches = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
          if (kinds.moe(k) == l.moe() && sameWindow(kinds, k, l)) {
            matches.add(k);
          }
        }
        assertThat(matches).as("%s layer %d", m.id(), i).hasSize(1);
        int k = matches.get(0);
        counted[k]++;
        if (firstLayer[k] < 0) {
          firstLayer[k] = i;
        }
      }
      for (int k = 0; k < kinds.size(); k++) {
        assertThat(kinds.count(k)).as("%s kind %d", m.id(), k).isEqualTo(counted[k]);
        if (k > 0) {
          assertThat(firstLayer[k]).as("%s kind %d", m.id(), k).isGreaterThan(firstLayer[k - 1]);
        }
      }
    }
  }

  /** Whether a layer of kind {@code k} keeps as many tokens as {@code l} at every context. */
  private static boolean sameWindow(LayerKinds kinds, int k, LayerSpec l) {
    for (long c : CONTEXTS) {
      if (kinds.cachedTokens(k, c) != l.cachedTokens(c)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aGemmaLikePatternHasTwoKindsAndAMixtureOfDenseAndMoeLayersThree() {
    ModelSpec gemma = ModelCatalog.resolve("gemma-2-9b");
    LayerKinds g = LayerKinds.of(gemma);
    assertThat(g.size()).isEqualTo(2);
    assertThat(g.count(0) + g.count(1)).isEqualTo(gemma.numHiddenLayers());
    // DeepSeek-V3: three dense layers, then MoE ones, no windows.
    LayerKinds v3 = LayerKinds.of(ModelCatalog.resolve("deepseek-v3"));
    assertThat(v3.size()).isEqualTo(2);
    assertThat(v3.moe(0)).isFalse();
    assertThat(v3.count(0)).isEqualTo(3);
    assertThat(v3.moe(1)).isTrue();
    assertThat(v3.count(1)).isEqualTo(58);
  }

  @Test
  void theMemoAnswersByTheModelsValue() {
    ModelSpec m = ModelCatalog.resolve("gemma-2-9b");
    LayerKinds kinds = StepTimes.layerKinds(m);
    // An equal model, another instance: the same kinds.
    assertThat(StepTimes.layerKinds(withLayers(m, m.layers()))).isSameAs(kinds);
    // The same id and layer count, one window changed: other kinds.
    List<LayerSpec> changed = new ArrayList<>(m.layers());
    LayerSpec first = changed.get(0);
    changed.set(0, new LayerSpec(0, first.slidingWindow() == null ? 1024 : null, first.moe()));
    LayerKinds other = StepTimes.layerKinds(withLayers(m, changed));
    assertThat(other).isNotSameAs(kinds);
    assertThat(other.cachedTokens(0, 1 << 20)).isNotEqualTo(kinds.cachedTokens(0, 1 << 20));
  }

  private static ModelSpec withLayers(ModelSpec m, List<LayerSpec> layers) {
    return new ModelSpec(
        m.id(),
        m.source(),
        m.modelType(),
        m.hiddenSize(),
        m.numHiddenLayers(),
        m.numAttentionHeads(),
        m.numKeyValueHeads(),
        m.headDim(),
        m.intermediateSize(),
        m.vocabSize(),
        m.tieWordEmbeddings(),
        m.maxPositionEmbeddings(),
        m.maxContext(),
        m.architecture(),
        m.moe(),
        m.mla(),
        layers,
        m.torchDtype(),
        m.notes());
  }
}
