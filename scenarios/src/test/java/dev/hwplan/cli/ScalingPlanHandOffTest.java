package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Budget to model to layout to days and dollars in one command: {@code scaling optimal --plan}
 * hands the compute-optimal model to the training planner, and plans what {@code train --flops}
 * plans.
 */
class ScalingPlanHandOffTest {
  private static final String CLUSTER =
      " --cluster dgx-h100 --gpus 64 --global-batch 256 --price-per-gpu-hour 2 --top 1 --json";

  @Test
  void optimalPlanIsTrainsPlanOfTheComputeOptimalModel() {
    CliHarness s =
        CliHarness.run(("scaling optimal --flops 1e23 --plan --seq 4096" + CLUSTER).split(" "));
    CliHarness t = CliHarness.run(("train --flops 1e23 --seq 4096" + CLUSTER).split(" "));
    ObjectNode a = samePlan(s, t);
    assertThat(a.get("budget").get("computeOptimalParams").asDouble()).isPositive();
    assertThat(a.get("layouts").get(0).get("cost").asDouble()).isPositive();
    // and the law's N_opt is scaling optimal's own
    CliHarness plain = CliHarness.run("scaling", "optimal", "--flops", "1e23", "--json");
    assertThat(a.get("budget").get("computeOptimalParams").asDouble())
        .isEqualTo(plain.json().get("params").asDouble());
  }

  @Test
  void aModelIsPlannedOnTheTokensTheBudgetBuys() {
    CliHarness s =
        CliHarness.run(
            ("scaling optimal --flops 1e22 --plan --model llama-3.1-8b --seq 4096" + CLUSTER)
                .split(" "));
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(s.json().get("model").asText()).isEqualTo("llama-3.1-8b");
    assertThat(s.json().get("budget").get("shaped").asBoolean()).isFalse();
  }

  /**
   * {@code scaling budget --plan}: GPU-hours at an assumed MFU become FLOPs, and those FLOPs are
   * planned as {@code train --flops} plans them, on the budget's GPU.
   */
  @Test
  void budgetPlanPlansTheBudgetsFlops() {
    CliHarness b =
        CliHarness.run(
            ("scaling budget --gpu-hours 5e4 --gpu h100-sxm --mfu 0.4 --json").split(" "));
    double flops = b.json().get("flops").asDouble();
    CliHarness s =
        CliHarness.run(
            ("scaling budget --gpu-hours 5e4 --gpu h100-sxm --mfu 0.4 --plan --seq 4096"
                    + " --gpus 64 --global-batch 256 --price-per-gpu-hour 2 --top 1 --json")
                .split(" "));
    CliHarness t =
        CliHarness.run(
            ("train --flops "
                    + flops
                    + " --gpu h100-sxm --gpus 64 --seq 4096 --global-batch 256"
                    + " --price-per-gpu-hour 2.0 --top 1 --json")
                .split(" "));
    assertThat(samePlan(s, t).get("budget").get("flops").asDouble()).isEqualTo(flops);
  }

  /** Both ran, and print the same N, D, model and layouts (the search's own wall time aside). */
  private static ObjectNode samePlan(CliHarness handOff, CliHarness train) {
    assertThat(handOff.exitCode()).as(handOff.err()).isZero();
    assertThat(train.exitCode()).as(train.err()).isZero();
    ObjectNode a = (ObjectNode) handOff.json();
    ObjectNode b = (ObjectNode) train.json();
    a.remove("searchSeconds");
    b.remove("searchSeconds");
    assertThat(a).isEqualTo(b);
    return a;
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "scaling optimal --flops 1e23 --gpus 64|field '--gpus': unknown option (the training"
            + " planner's options need --plan)",
        "scaling budget --flops 1e23 --gpu h100-sxm --mfu 0.4 --seq 4096|field '--seq': unknown"
            + " option (the training planner's options need --plan)",
        "scaling budget --flops 1e23 --gpu h100-sxm --mfu 0.4 --plan --tokens-per-param 200 --seq"
            + " 4096 --gpus 64 --global-batch 256|field '--tokens-per-param': has no effect here",
        "scaling optimal --flops 1e23 --plan --cluster dgx-h100 --gpus 64 --seq 4096|field"
            + " '--plan': train: Missing required option: '--global-batch=<globalBatch>'",
        "scaling optimal --flops 1e23 --plan --global-batch 256 --cluster dgx-x --gpus 64 --seq"
            + " 4096|field '--cluster': unknown cluster 'dgx-x'",
        "scaling optimal --flops 1e23 --plan --global-batch 256 --cluster dgx-h100 --gpus 64 --seq"
            + " 4096 --unique-tokens 1e12|field '--unique-tokens': has no effect here",
        "scaling optimal --flops 1e23 --plan --seq-len 4096 --global-batch 256 --cluster dgx-h100"
            + " --gpus 64|field '--seq-len': has no effect here: with --plan the sequence is"
            + " train's --seq",
      })
  void badInputIsOneLineAndExit2(String cmd, String message) {
    CliHarness r = CliHarness.run(cmd.split(" "));
    r.isBadInput(message);
  }
}
