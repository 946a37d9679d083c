package dev.hwplan.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Published constants and predictions, from shared/data/scaling-laws.md (sections A1, A2). */
class ChinchillaLawTest {
  private static final ChinchillaLaw ROUNDED = NamedFit.HOFFMANN2022.law();
  private static final ChinchillaLaw UNROUNDED = NamedFit.HOFFMANN2022_UNROUNDED.law();
  private static final ChinchillaLaw EPOCH = NamedFit.EPOCH2024.law();

  @Test
  void hoffmann2022_isEq10AsPrinted() {
    assertThat(ROUNDED).isEqualTo(new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28));
  }

  @Test
  void hoffmann2022Unrounded_isTheTexSource() {
    assertThat(UNROUNDED.a()).isCloseTo(406.40, within(0.01));
    assertThat(UNROUNDED.b()).isCloseTo(410.72, within(0.01));
    assertThat(UNROUNDED.e()).isCloseTo(1.6934, within(1e-4));
    assertThat(UNROUNDED.alpha()).isEqualTo(0.33917084);
    assertThat(UNROUNDED.beta()).isEqualTo(0.2849083);
  }

  @Test
  void epoch2024_isTheReplicationsHeadlineFit() {
    assertThat(EPOCH.e()).isCloseTo(1.8172, within(1e-3));
    assertThat(EPOCH.a()).isCloseTo(482.01, within(0.01));
    assertThat(EPOCH.b()).isCloseTo(2085.43, within(0.01));
    assertThat(EPOCH.alpha()).isCloseTo(0.3478, within(1e-4));
    assertThat(EPOCH.beta()).isCloseTo(0.3658, within(1e-4));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // scaling-laws.md A1.3 [R]: G = 1.3447, a = 0.4516, b = 0.5484 (Table 2 prints 0.46 / 0.54).
    "HOFFMANN2022, 1.3447, 0.4516, 0.5484, 1e-4",
    // A2 [R]: G = 0.1196, a = 0.5126, b = 0.4874.
    "EPOCH2024, 0.1196, 0.5126, 0.4874, 1e-3"
  })
  void frontierConstants(NamedFit fit, double g, double a, double b, double exponentTolerance) {
    ChinchillaLaw law = fit.law();
    assertThat(law.g()).isCloseTo(g, within(1e-4));
    assertThat(law.paramsExponent()).isCloseTo(a, within(exponentTolerance));
    assertThat(law.tokensExponent()).isCloseTo(b, within(exponentTolerance));
  }

  @Test
  void unroundedConstants_reproduceTableA3Approach3For67B() {
    // Table A3, Approach 3: 67B params -> 1.71e24 FLOPs, 4.1T tokens; the doc recomputes 1.75e24
    // and 4.35T from the TeX constants.
    double c = flopsWhereOptimalParamsAre(UNROUNDED, 67e9);
    assertThat(c).isCloseTo(1.75e24, withPercentage(1));
    assertThat(c).isCloseTo(1.71e24, withPercentage(3));
    assertThat(UNROUNDED.optimalTokens(c)).isCloseTo(4.35e12, withPercentage(1));
    assertThat(UNROUNDED.optimalTokens(c)).isCloseTo(4.1e12, withPercentage(7));
  }

  @Test
  void roundedConstants_doNotReproduceTableA3_roundingMatters() {
    // A1.6 [R]: the rounded Eq. 10 constants give 67B -> 2.92e24 FLOPs and 7.3T tokens.
    double c = flopsWhereOptimalParamsAre(ROUNDED, 67e9);
    assertThat(c).isCloseTo(2.92e24, withPercentage(1));
    assertThat(ROUNDED.optimalTokens(c)).isCloseTo(7.3e12, withPercentage(1));
  }

  @Test
  void tokensPerParamAt67B_are108Rounded_65Unrounded_18p5Epoch() {
    // A5: 108 vs 65 tokens/param at N = 67B; A2 [R]: Epoch's fit gives about 18.5.
    assertThat(tokensPerParamAt(ROUNDED, 67e9)).isCloseTo(108, within(1.0));
    assertThat(tokensPerParamAt(UNROUNDED, 67e9)).isCloseTo(65, within(1.0));
    assertThat(tokensPerParamAt(EPOCH, 67e9)).isCloseTo(18.5, within(0.3));
    assertThat(flopsWhereOptimalParamsAre(EPOCH, 67e9)).isCloseTo(4.97e23, withPercentage(1));
  }

  @Test
  void chinchilla70bOn1p4T_underTheRoundedFit() {
    assertThat(ROUNDED.loss(70e9, 1.4e12)).isCloseTo(1.9366, within(1e-4));
  }

  @Property(tries = 200, seed = "20261207")
  void optimal_spendsTheWholeBudgetAndBeatsItsNeighbours(
      @ForAll @DoubleRange(min = 18, max = 28) double log10Flops,
      @ForAll @DoubleRange(min = 0.5, max = 2) double factor) {
    double c = Math.pow(10, log10Flops);
    for (ChinchillaLaw law : new ChinchillaLaw[] {ROUNDED, UNROUNDED, EPOCH}) {
      Allocation a = law.optimal(c);
      assertThat(TrainingFlops.of(a.params(), a.tokens())).isCloseTo(c, withPercentage(1e-9));
      assertThat(a.loss()).isLessThanOrEqualTo(law.atFlops(c, a.params() * factor).loss() + 1e-12);
      assertThat(law.frontierLoss(c)).isCloseTo(a.loss(), within(1e-12));
    }
  }

  @Property(tries = 200, seed = "20261207")
  void flopsToReach_invertsTheFrontier(@ForAll @DoubleRange(min = 18, max = 28) double log10Flops) {
    double c = Math.pow(10, log10Flops);
    assertThat(EPOCH.flopsToReach(EPOCH.frontierLoss(c))).isCloseTo(c, withPercentage(1e-6));
  }

  @Property(tries = 200, seed = "20261207")
  void tokensToReach_invertsTheLossAtFixedParams(
      @ForAll @DoubleRange(min = 8, max = 12) double log10N,
      @ForAll @DoubleRange(min = 9, max = 14) double log10D) {
    double n = Math.pow(10, log10N);
    double d = Math.pow(10, log10D);
    assertThat(EPOCH.tokensToReach(EPOCH.loss(n, d), n)).isCloseTo(d, withPercentage(1e-5));
  }

  @Test
  void targetsAtOrBelowTheFloor_needInfiniteCompute() {
    assertThat(EPOCH.flopsToReach(EPOCH.e())).isInfinite();
    assertThat(EPOCH.tokensToReach(EPOCH.floorAt(8e9), 8e9)).isInfinite();
  }

  private static double flopsWhereOptimalParamsAre(ChinchillaLaw law, double n) {
    // Invert N_opt = G (C/6)^a.
    return 6 * Math.pow(n / law.g(), 1 / law.paramsExponent());
  }

  private static double tokensPerParamAt(ChinchillaLaw law, double n) {
    double c = flopsWhereOptimalParamsAre(law, n);
    return law.optimalTokens(c) / n;
  }
}
