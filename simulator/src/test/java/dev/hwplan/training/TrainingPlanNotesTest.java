package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A training plan says what its step time rests on (issue 15), and only what it used. */
class TrainingPlanNotesTest {
  private static TrainingPlanner planner(String gpu, int gpus) {
    return TrainingPlanner.calibrated(
        TrainingJob.of(ModelCatalog.resolve("llama-3.1-8b"), 4096, 64, Precision.BF16_FP32_MASTER),
        ProfileCatalog.bundled().get(gpu),
        ClusterCatalog.forGpu(gpu),
        gpus);
  }

  private static List<String> notes(String gpu, int gpus, String layout) {
    return planner(gpu, gpus).evaluate(Layout.parse(layout, 1, 1, Recompute.NONE, false)).notes();
  }

  private static boolean mentions(List<String> notes, String part) {
    return notes.stream().anyMatch(n -> n.contains(part));
  }

  @Test
  void anH100PlanInsideANodeRestsOnNoOtherDeviceAndNoNic() {
    // 8 x H100 in one DGX: the data-parallel group spans the node exactly, no pipeline
    List<String> n = notes("h100-sxm", 8, "dp=8");
    assertThat(n).isNotEmpty().doesNotHaveDuplicates();
    assertThat(mentions(n, "no measurements of")).isFalse();
    assertThat(mentions(n, "across nodes")).isFalse();
    // the gradients' reduce-scatter and the weights' all-gather of ZeRO 1 run on 8 GPUs, beyond
    // the 2 measured
    assertThat(mentions(n, "reduce-scatter outside the measured range (up to 2 GPUs")).isTrue();
    assertThat(mentions(n, "all-gather outside the measured range (up to 2 GPUs")).isTrue();
  }

  @Test
  void aPlanOverTwoNodesSaysItsCollectivesCrossTheNics() {
    List<String> n = notes("h100-sxm", 16, "dp=16");
    assertThat(mentions(n, "collectives across nodes: 8 NICs of 400 Gb/s")).isTrue();
    assertThat(mentions(n, "no measurements of")).isFalse();
    // a pipeline across the nodes sends over one NIC; inside a node it does not
    assertThat(mentions(notes("h100-sxm", 16, "tp=8,pp=2"), "across nodes")).isTrue();
    assertThat(mentions(notes("h100-sxm", 8, "tp=4,pp=2"), "across nodes")).isFalse();
  }

  @Test
  void aGpuWithoutMeasurementsSaysSo() {
    List<String> n = notes("a100-sxm-80gb", 8, "tp=2,dp=4");
    assertThat(n.get(0)).startsWith("no measurements of a100-sxm-80gb");
    assertThat(n.stream().filter(x -> x.startsWith("no measurements of"))).hasSize(1);
  }

  @Test
  void theSearchsPlansCarryTheNotesOfTheirLayout() {
    TrainingPlanner p = planner("h100-sxm", 16);
    LayoutSearch.Result r = LayoutSearch.search(p, LayoutSearch.Constraints.none(), 3);
    assertThat(r.ranked()).isNotEmpty();
    for (TrainingPlan plan : r.ranked()) {
      assertThat(plan.notes()).isEqualTo(p.evaluate(plan.layout()).notes()).isNotEmpty();
    }
  }
}
