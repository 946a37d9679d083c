package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.step.Execution;
import org.junit.jupiter.api.Test;

/**
 * The compute behind overlapped data-parallel communication slows by {@link
 * TrainingPlanner#OVERLAP_COMPUTE_SLOWDOWN} of the hidden time; nothing is hidden, nothing slows.
 */
class OverlapSlowdownTest {
  private static TrainingPlan plan(boolean overlap, String layout, int zero) {
    TrainingJob job =
        new TrainingJob(
            ModelCatalog.resolve("llama-3.1-70b"),
            4096,
            1024,
            Precision.BF16_FP32_MASTER,
            true,
            false,
            false,
            Execution.FUSED,
            overlap);
    TrainingPlanner p =
        TrainingPlanner.calibrated(
            job, ProfileCatalog.bundled().get("h100-sxm"), ClusterCatalog.forGpu("h100-sxm"), 64);
    return p.evaluate(Layout.parse(layout, 1, zero, Recompute.NONE, false));
  }

  @Test
  void hiddenCommunicationSlowsTheComputeBehindIt() {
    TrainingPlan z3 = plan(true, "tp=2,dp=32", 3);
    TrainingPlan.TimeBreakdown t = z3.time();
    double hidden = t.dpCommTotalSeconds() - t.dpCommSeconds();
    // FSDP over 32 GPUs hides tens of seconds of gathers and reduce-scatters a step
    assertThat(hidden).isGreaterThan(10);
    assertThat(t.overlapSlowdownSeconds())
        .isCloseTo(
            TrainingPlanner.OVERLAP_COMPUTE_SLOWDOWN
                * Math.min(hidden, t.computeSeconds() + t.tpCommSeconds()),
            within(1e-9));
    assertThat(z3.stepSeconds()).isCloseTo(t.total(), within(1e-9));
    assertThat(z3.notes()).contains(TrainingPlanner.OVERLAP_NOTE);
  }

  @Test
  void nothingHiddenNothingSlowed() {
    // the reduction after the backward (not overlapped), and a layout without data parallelism
    for (TrainingPlan p :
        new TrainingPlan[] {plan(false, "tp=2,dp=32", 1), plan(true, "tp=8,pp=8", 1)}) {
      assertThat(p.time().overlapSlowdownSeconds()).isZero();
      assertThat(p.notes()).doesNotContain(TrainingPlanner.OVERLAP_NOTE);
    }
  }
}
