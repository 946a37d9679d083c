package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.step.Execution;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pruned search (fit first, then the step-time bound) answers exactly as the exhaustive one:
 * the same counts, rejections and ranked top, for dense and MoE models, exact and up-to GPU counts.
 */
class LayoutSearchPruneTest {
  private static LayoutSearch.Result same(TrainingPlanner p, int top) {
    LayoutSearch.Result pruned = LayoutSearch.search(p, LayoutSearch.Constraints.none(), top, true);
    LayoutSearch.Result full = LayoutSearch.search(p, LayoutSearch.Constraints.none(), top, false);
    assertThat(pruned.evaluated()).isEqualTo(full.evaluated());
    assertThat(pruned.valid()).isEqualTo(full.valid());
    assertThat(pruned.fitting()).isEqualTo(full.fitting());
    assertThat(pruned.rejectedByReason()).isEqualTo(full.rejectedByReason());
    assertThat(pruned.ranked()).hasSameSizeAs(full.ranked());
    List<TrainingPlan> a = pruned.ranked();
    List<TrainingPlan> b = full.ranked();
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).label()).isEqualTo(b.get(i).label());
      assertThat(a.get(i).stepSeconds()).isEqualTo(b.get(i).stepSeconds());
    }
    return pruned;
  }

  private static TrainingPlanner planner(
      ModelSpec m, String gpu, String cluster, int gpus, long seq, long batch) {
    return TrainingPlanner.calibrated(
        new TrainingJob(
            m, seq, batch, Precision.BF16_FP32_MASTER, true, false, false, Execution.FUSED, true),
        ProfileCatalog.bundled().get(gpu),
        ClusterCatalog.get(cluster, "c"),
        gpus);
  }

  @Test
  void turing530bUpTo5128A100s() {
    same(
        planner(PublishedRuns.model("turing-530b"), "a100-sxm-80gb", "dgx-a100", 5128, 2048, 2520)
            .atMost(true),
        5);
  }

  /**
   * The search reaches VPP 8, Meta's one-layer chunks on PP 16 (126 layers + embedding + loss = 16
   * x 8), and on 16,384 H100s at 8k ranks such a layout first (the search stopped at VPP 4 before).
   */
  @Test
  void llama405bOn16384H100s() {
    LayoutSearch.Result r =
        same(
            planner(
                ModelCatalog.resolve("llama-3.1-405b"), "h100-sxm", "dgx-h100", 16384, 8192, 2048),
            10);
    Layout best = r.ranked().get(0).layout();
    assertThat(best.pp()).isEqualTo(16);
    assertThat(best.vpp()).isEqualTo(8);
  }

  @Test
  void mixtralOn64H100s() {
    same(planner(ModelCatalog.resolve("mixtral-8x7b"), "h100-sxm", "dgx-h100", 64, 4096, 256), 3);
  }

  @Test
  void llama8bOnOneNode() {
    same(planner(ModelCatalog.resolve("llama-3.1-8b"), "h100-sxm", "dgx-h100", 8, 8192, 32), 1);
  }

  @Test
  void rankedByCostPrunesExactlyAndPutsTheCheapestFirst() {
    TrainingPlanner p =
        planner(ModelCatalog.resolve("llama-3.1-8b"), "a100-sxm-80gb", "dgx-a100", 64, 4096, 512)
            .atMost(true);
    var none = LayoutSearch.Constraints.none();
    LayoutSearch.Result pruned = LayoutSearch.search(p, none, 5, true, LayoutSearch.Rank.COST);
    LayoutSearch.Result full = LayoutSearch.search(p, none, 5, false, LayoutSearch.Rank.COST);
    LayoutSearch.Result byTime = LayoutSearch.search(p, none, 5, true, LayoutSearch.Rank.TIME);
    assertThat(pruned.fitting()).isEqualTo(full.fitting()).isEqualTo(byTime.fitting());
    List<TrainingPlan> a = pruned.ranked();
    List<TrainingPlan> b = full.ranked();
    assertThat(a).hasSize(5).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).label()).isEqualTo(b.get(i).label());
      if (i > 0) {
        assertThat(gpuSeconds(a.get(i))).isGreaterThanOrEqualTo(gpuSeconds(a.get(i - 1)));
      }
    }
    // up to 64 GPUs the fastest layout is not the cheapest one
    TrainingPlan fastest = byTime.ranked().get(0);
    assertThat(gpuSeconds(a.get(0))).isLessThan(gpuSeconds(fastest));
    assertThat(a.get(0).layout().gpus()).isLessThan(fastest.layout().gpus());
    assertThat(a.get(0).stepSeconds()).isGreaterThan(fastest.stepSeconds());
  }

  private static double gpuSeconds(TrainingPlan p) {
    return p.stepSeconds() * p.layout().gpus();
  }
}
