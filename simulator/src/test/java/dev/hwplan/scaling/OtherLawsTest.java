package dev.hwplan.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.ProfileCatalog;
import org.junit.jupiter.api.Test;

/** Kaplan 2020, Muennighoff 2023 and the cost coupling, against scaling-laws.md A3 and A4.3. */
class OtherLawsTest {
  private static final DataConstrainedLaw DC = DataConstrainedLaw.MUENNIGHOFF2023;

  @Test
  void muennighoff2023_matchesTheDatablationsTestVectors() {
    assertThat(DC.loss(6.34e9, 242e9, 25e9)).isCloseTo(2.2256440889984477, within(1e-9));
    assertThat(DC.loss(8.67e9, 178e9, 25e9)).isCloseTo(2.2269634075087867, within(1e-9));
  }

  @Test
  void muennighoff2023_optimumFor1e22FlopsAnd25BUniqueTokens() {
    // The README's grid search: 237.34B tokens (9.49 epochs) and 7.02B params.
    Allocation a = DC.optimal(1e22, 25e9);
    assertThat(a.tokens()).isCloseTo(237.34e9, withPercentage(1));
    assertThat(a.params()).isCloseTo(7.022e9, withPercentage(1));
    assertThat(a.loss())
        .isLessThanOrEqualTo(DC.loss(7.022364735879969e9, 237.33695547755075e9, 25e9));
  }

  @Test
  void muennighoff2023_withoutRepetitionIsItsBaseLaw() {
    assertThat(DC.loss(1e9, 20e9, 20e9)).isCloseTo(DC.base().loss(1e9, 20e9), within(1e-12));
    assertThat(DC.base().e()).isCloseTo(1.8691, within(1e-4));
    assertThat(DC.base().a()).isCloseTo(520.82, within(0.01));
    assertThat(DC.base().b()).isCloseTo(1487.72, within(0.01));
  }

  @Test
  void kaplan2020_tenfoldCompute_grows_model5p4x_data1p9x() {
    // Table 5 exponents 0.73 and 0.27; Hoffmann restates them as 5.5x and 1.8x.
    double c = 1e21;
    assertThat(KaplanLaw.computeEfficientParams(10 * c) / KaplanLaw.computeEfficientParams(c))
        .isCloseTo(5.37, within(0.01));
    assertThat(KaplanLaw.computeEfficientTokens(10 * c) / KaplanLaw.computeEfficientTokens(c))
        .isCloseTo(1.86, within(0.01));
  }

  @Test
  void kaplan2020_lawsAtTheirScaleConstants() {
    assertThat(KaplanLaw.SEPARATE.lossOfParams(8.8e13)).isEqualTo(1.0);
    assertThat(KaplanLaw.SEPARATE.lossOfTokens(5.4e13)).isEqualTo(1.0);
    // With unlimited data, L(N, D) reduces to L(N) with the joint fit's constants.
    assertThat(KaplanLaw.JOINT.loss(1e9, Double.POSITIVE_INFINITY))
        .isCloseTo(KaplanLaw.JOINT.lossOfParams(1e9), within(1e-12));
  }

  @Test
  void h100_1e24FlopsAt40PercentMfu_is702kGpuHours() {
    double peak = ProfileCatalog.bundled().get("h100-sxm").peakFlops(DType.BF16).getAsDouble();
    TrainingCost cost = new TrainingCost(1e24, peak, 0.40, 2.0);
    assertThat(cost.gpuHours()).isCloseTo(1e24 / (peak * 0.40) / 3600, withPercentage(1e-9));
    assertThat(cost.gpuHours()).isCloseTo(7.02e5, withPercentage(0.5));
    assertThat(cost.cost()).isCloseTo(2 * cost.gpuHours(), withPercentage(1e-9));
    assertThat(TrainingCost.flopsFor(cost.gpuHours(), peak, 0.40))
        .isCloseTo(1e24, withPercentage(1e-9));
  }

  @Test
  void serving_costsAbout2nFlopsPerToken() {
    assertThat(new Allocation(1e24, 70e9, 1.4e12, 2).servingFlopsPerToken()).isEqualTo(140e9);
  }
}
