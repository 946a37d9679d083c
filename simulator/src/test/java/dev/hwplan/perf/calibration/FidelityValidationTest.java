package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's validation of freeze II: the product's calibration, frozen at commit 439601c ("Freeze
 * II (issue 15 model)"), scored on measurements taken after that commit and never used to choose
 * the model (bench/perf/RESULTS.md names the run): {@code prefill-attention-post2.json} (causal
 * shapes off the training, validation and fresh grids, SDPA flash and cuDNN, forward and backward),
 * {@code grouped-gemm-post2.json} (20/48/72 experts and other matrices, with the per-expert loop)
 * and {@code step-profiles-validation.json} (whole Llama-3.1-8B and 4-layer Mixtral-8x7B decode
 * steps and prefills at batches and lengths no grid measured, eager and compiled). Printed per
 * family and per execution form: median, p90 and worst |error| and the share of measurements inside
 * the prediction interval (nominal 90%). No shape of the prefill and grouped files is among the
 * training rows ({@link FidelityScores} refuses them). Freeze I's validation files, seen while
 * freeze II was built, are printed too but validate nothing.
 */
class FidelityValidationTest {
  @Test
  void prefillAttention() throws Exception {
    List<FidelityScores.Score> s = FidelityScores.prefill("prefill-attention-post2.json");
    s.forEach(x -> System.out.println("validation prefill " + x));
    assertThat(s).hasSize(4);
    assertThat(s).allSatisfy(x -> assertThat(x.n()).isEqualTo(64));
    // freeze II's figures on this set (H200, 2026-12-06; bench/perf/RESULTS.md), a small margin
    // above each: median, p90. A change that makes them worse fails here.
    double[][] limits = {{0.055, 0.095}, {0.05, 0.135}, {0.047, 0.07}, {0.054, 0.12}};
    for (int i = 0; i < 4; i++) {
      assertThat(s.get(i).median()).as(s.get(i).family()).isLessThan(limits[i][0]);
      assertThat(s.get(i).p90()).as(s.get(i).family()).isLessThan(limits[i][1]);
    }
  }

  @Test
  void groupedGemm() throws Exception {
    List<FidelityScores.Score> s = FidelityScores.grouped("grouped-gemm-post2.json", false);
    s.forEach(x -> System.out.println("validation grouped " + x));
    assertThat(s.get(0).n()).isEqualTo(84);
    assertThat(s.get(0).median()).isLessThan(0.065);
    assertThat(s.get(0).p90()).isLessThan(0.136);
  }

  @Test
  void wholeSteps() throws Exception {
    List<String> groups =
        StepFormsFitTest.score(
            FidelityScores.RESULTS.resolve("step-profiles-validation.json"), true);
    groups.forEach(g -> System.out.println("validation step " + g));
    assertThat(groups).isNotEmpty();
  }

  /** Freeze I's validation files (2026-12-04), seen while freeze II was built: printed only. */
  @Test
  void freezeOneFilesSeen() throws Exception {
    FidelityScores.prefill("prefill-attention-validation.json")
        .forEach(x -> System.out.println("seen prefill " + x));
    FidelityScores.grouped("grouped-gemm-validation.json", false)
        .forEach(x -> System.out.println("seen grouped " + x));
    StepFormsFitTest.score(
            FidelityScores.RESULTS.resolve("steps-eager-fused-validation.json"), false)
        .forEach(g -> System.out.println("seen step " + g));
  }
}
