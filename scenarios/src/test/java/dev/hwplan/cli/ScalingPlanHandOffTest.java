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
    assertThat(s.exitCode()).as(s.err()).isZero();
    assertThat(t.exitCode()).as(t.err()).isZero();
    ObjectNode a = (ObjectNode) s.json();
    ObjectNode b = (ObjectNode) t.json();
    // the same N, D, model and layouts (the search's own wall time aside)
    a.remove("searchSeconds");
    b.remove("searchSeconds");
    assertThat(a).isEqualTo(b);
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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "scaling optimal --flops 1e23 --gpus 64|field '--gpus': unknown option (the training"
            + " planner's options need --plan)",
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
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }
}
