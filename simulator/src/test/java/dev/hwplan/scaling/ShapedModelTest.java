package dev.hwplan.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import org.junit.jupiter.api.Test;

class ShapedModelTest {
  @Test
  void reproducesLlama3FeedForwardWidths() {
    // Meta's llama-models reference configs: 8B d=4096 -> 14336, 70B d=8192 -> 28672.
    assertThat(ShapedModel.ffn(4096)).isEqualTo(14336);
    assertThat(ShapedModel.ffn(8192)).isEqualTo(28672);
  }

  @Test
  void llama3ShapesCountAsTheBundledLlama31Models() {
    // The bundled Llama 3.1 8B and 70B configs (HF) have the same parameters as the shapes of
    // their width and depth.
    for (String[] c :
        new String[][] {{"llama-3.1-8b", "4096", "32"}, {"llama-3.1-70b", "8192", "80"}}) {
      ModelSpec bundled = ModelCatalog.resolve(c[0]);
      ModelSpec shaped = ShapedModel.build(Integer.parseInt(c[1]), Integer.parseInt(c[2]), 8192);
      assertThat(ParameterCounter.count(shaped).total())
          .as(c[0])
          .isEqualTo(ParameterCounter.count(bundled).total());
    }
  }

  @Test
  void picksTheWidthWhoseAspectRatioIsNearest128AndTheNearestDepth() {
    ModelSpec m = ShapedModel.forParams(8.03e9, 8192, "--flops");
    assertThat(m.hiddenSize()).isEqualTo(4096);
    assertThat(m.numHiddenLayers()).isEqualTo(32);
    for (double n : new double[] {1e9, 3e10, 1e11, 4e11, 1e12}) {
      ModelSpec s = ShapedModel.forParams(n, 8192, "--flops");
      double counted = ParameterCounter.count(s).total();
      // one layer of the chosen width is at most a few percent of N
      assertThat(counted / n).as("N = %g", n).isCloseTo(1.0, within(0.06));
      assertThat(s.hiddenSize() / (double) s.numHiddenLayers())
          .as("d/L at %g", n)
          .isBetween(64.0, 256.0);
    }
  }

  @Test
  void refusesABudgetBelowTheSmallestShape() {
    assertThatThrownBy(() -> ShapedModel.forParams(1e8, 8192, "--flops"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--flops");
  }
}
