package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.FlopCounter;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import org.junit.jupiter.api.Test;

class TrainingPlannerTest {
  private static TrainingPlanner planner(String model, int gpus, long seq, long batch) {
    ModelSpec m = ModelCatalog.resolve(model);
    var g = ProfileCatalog.bundled().get("h100-sxm");
    return TrainingPlanner.calibrated(
        TrainingJob.of(m, seq, batch, Precision.BF16_FP32_MASTER),
        g,
        ClusterCatalog.get("dgx-h100", "c"),
        gpus);
  }

  @Test
  void invalidLayoutsSayWhy() {
    TrainingPlanner p = planner("llama-3.1-70b", 64, 8192, 64);
    assertThat(p.invalid(Layout.parse("tp=8,dp=4", 1, 1, Recompute.NONE, false)))
        .isEqualTo("layout uses 32 GPUs (tp x pp x dp x cp), not 64");
    assertThat(p.invalid(Layout.parse("tp=3,dp=21", 1, 1, Recompute.NONE, false)))
        .isEqualTo("TP 3 does not divide the 64 attention heads");
    assertThat(p.invalid(new Layout(16, 1, 4, 1, 1, 1, true, 1, 1, Recompute.NONE, false)))
        .isNull();
    assertThat(p.invalid(new Layout(1, 64, 1, 1, 1, 1, false, 1, 1, Recompute.NONE, false)))
        .isNull();
    assertThat(p.invalid(new Layout(1, 32, 2, 1, 1, 4, false, 1, 1, Recompute.NONE, false)))
        .startsWith("layers not divisible by PP x VPP");
    assertThat(p.invalid(new Layout(8, 1, 8, 1, 1, 1, true, 3, 1, Recompute.NONE, false)))
        .isEqualTo("global batch 64 not divisible by DP x micro-batch 24");
    assertThat(p.invalid(new Layout(8, 1, 1, 8, 1, 1, true, 1, 1, Recompute.NONE, false))).isNull();
    assertThat(p.invalid(new Layout(8, 1, 4, 2, 2, 1, true, 1, 1, Recompute.NONE, false)))
        .isEqualTo("EP 2 for a dense model");
    TrainingPlanner heads = planner("llama-3.1-8b", 24, 4096, 24);
    assertThat(heads.invalid(new Layout(3, 1, 8, 1, 1, 1, true, 1, 1, Recompute.NONE, false)))
        .isEqualTo("TP 3 does not divide the 32 attention heads");
    assertThatThrownBy(() -> p.evaluate(Layout.parse("tp=8,dp=4", 1, 1, Recompute.NONE, false)))
        .hasMessageContaining("not 64");
  }

  @Test
  void theBreakdownAddsUpAndTheRatesFollow() {
    TrainingPlanner p = planner("llama-3.1-70b", 64, 8192, 64);
    Layout l = Layout.parse("tp=8,pp=4,dp=2", 1, 1, Recompute.FULL, false);
    TrainingPlan plan = p.evaluate(l);
    assertThat(plan.time().total()).isCloseTo(plan.stepSeconds(), within(1e-12));
    assertThat(plan.memory().total()).isEqualTo(plan.peakBytesPerGpu());
    assertThat(plan.microBatches()).isEqualTo(32);
    double peak = ProfileCatalog.bundled().get("h100-sxm").peakFlops(DType.BF16).getAsDouble();
    double flops =
        FlopCounter.trainingFlopsPerToken(ModelCatalog.resolve("llama-3.1-70b"), 8192) * 64 * 8192;
    assertThat(plan.mfu()).isCloseTo(flops / plan.stepSeconds() / (64 * peak), within(1e-12));
    // full recompute runs the forward again: HFU = MFU x 4/3 (the forward is a third of 6N + attn)
    assertThat(plan.hfu()).isCloseTo(plan.mfu() * 4 / 3, within(1e-12));
    assertThat(plan.tokensPerSecond()).isCloseTo(64 * 8192 / plan.stepSeconds(), within(1e-6));
    // the 1F1B bubble: the steady state runs m micro-batches at the slowest stage's pace (the last:
    // 20 layers and the head), and the fill and drain cross the other stages once, which is the
    // whole model's micro-batch time (one stage at PP 1, same TP) less the slowest stage's
    double slowest =
        (plan.time().computeSeconds()
                + plan.time().recomputeSeconds()
                + plan.time().tpCommSeconds())
            / 32;
    TrainingPlan whole = p.evaluate(Layout.parse("tp=8,dp=8", 1, 1, Recompute.FULL, false));
    double model =
        (whole.time().computeSeconds()
                + whole.time().recomputeSeconds()
                + whole.time().tpCommSeconds())
            / whole.microBatches();
    assertThat(plan.time().bubbleSeconds())
        .isCloseTo(model - slowest, within(1e-9 * plan.stepSeconds()));
    // less than (p - 1) slowest stages, more than (p - 1) of the others (20 layers, one with the
    // embedding)
    assertThat(plan.time().bubbleSeconds()).isLessThan(3 * slowest).isGreaterThan(2.9 * slowest);
    // interleaving divides the bubble by v
    TrainingPlan v2 = p.evaluate(Layout.parse("tp=8,pp=4,dp=2,vpp=2", 1, 1, Recompute.FULL, false));
    assertThat(v2.time().bubbleSeconds()).isCloseTo(plan.time().bubbleSeconds() / 2, within(1e-9));
  }

  @Test
  void bucketsOverlapTheBackward() {
    // 10 buckets of 1 s behind a 20 s backward: only the last bucket shows
    assertThat(DataParallelSync.overlapped(10, 10, 20)).isEqualTo(1);
    // 10 buckets of 3 s behind 20 s: the queue ends at 2 + 30 = 32 s, 12 s after the backward
    assertThat(DataParallelSync.overlapped(30, 10, 20)).isCloseTo(12, within(1e-12));
    assertThat(DataParallelSync.overlapped(0, 10, 20)).isZero();
  }

  /**
   * ZeRO 2 keeps only its shard of the gradients, so it reduce-scatters after every micro-batch's
   * backward (DeepSpeed issue #2252: "gradient reduction is required after every backward because
   * of gradient partitioning"); ZeRO 1 (Megatron's distributed optimizer) accumulates into a full
   * buffer and reduces once. Their data-parallel traffic differs by (m - 1) reduce-scatters. The
   * old model moved one reduce-scatter a step for both, while counting ZeRO 2's gradients sharded.
   */
  @Test
  void zero2ReduceScattersEveryMicroBatch() {
    double[] diff = new double[3];
    long[] batches = {4, 32, 64};
    for (int i = 0; i < 3; i++) {
      TrainingPlanner p = planner("llama-3.1-8b", 16, 8192, batches[i]);
      TrainingPlan z1 = p.evaluate(Layout.parse("tp=2,pp=2,dp=4", 1, 1, Recompute.NONE, false));
      TrainingPlan z2 = p.evaluate(Layout.parse("tp=2,pp=2,dp=4", 1, 2, Recompute.NONE, false));
      diff[i] = z2.time().dpCommTotalSeconds() - z1.time().dpCommTotalSeconds();
      // the memory: ZeRO 2's gradients sharded over DP 4, ZeRO 1's whole
      assertThat(z2.memory().gradientBytes() * 4)
          .isCloseTo(z1.memory().gradientBytes(), within(1e-6 * z1.memory().gradientBytes()));
    }
    // m = 1: one reduce-scatter each
    assertThat(diff[0]).isCloseTo(0, within(1e-12));
    // m = 8 and m = 16: 7 and 15 more reduce-scatters of the same bytes
    assertThat(diff[1]).isPositive();
    assertThat(diff[2] / diff[1]).isCloseTo(15.0 / 7, within(1e-9));
  }

  @Test
  void collectivesCrossNodesAtTheNicsRate() {
    TrainingPlanner p = planner("llama-3.1-8b", 16, 4096, 16);
    ClusterLinks links =
        new ClusterLinks(
            ClusterCatalog.get("dgx-h100", "c"),
            dev.hwplan.perf.calibration.Calibrations.stepModel(
                dev.hwplan.step.StepConfig.of(ModelCatalog.resolve("llama-3.1-8b")),
                ProfileCatalog.bundled().get("h100-sxm")));
    double bytes = 1e9;
    var ar = dev.hwplan.op.Collective.ALL_REDUCE;
    // one member a node (stride 8): one NIC at 94% of 50 GB/s (NCCL-EFF); ring traffic 2(n-1)/n
    double oneNic = links.collective(ar, 16, 8, bytes);
    assertThat(oneNic).isGreaterThan(2 * 15 / 16.0 * bytes / 47e9);
    assertThat(oneNic).isLessThan(2 * 15 / 16.0 * bytes / 47e9 + 1e-3);
    // eight members a node: eight rings through eight NICs, or NVLink if slower
    double eight = links.collective(ar, 128, 1, bytes);
    assertThat(eight).isLessThan(oneNic / 4);
    // inside a node: NVLink
    assertThat(links.collective(ar, 8, 1, bytes)).isLessThan(oneNic / 4);
    assertThat(p.gpus()).isEqualTo(16);
  }

  /**
   * Selective recompute re-runs the core attention's forward, FlashAttention's too (the step's time
   * charges it): HFU adds those FLOPs, a third of the attention's share of 6N + attention.
   */
  @Test
  void selectiveRecomputeWithFlashAttentionCountsItsAttentionInHfu() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    TrainingPlan plan =
        planner("llama-3.1-8b", 8, 8192, 64)
            .evaluate(Layout.parse("tp=1,dp=8", 1, 1, Recompute.SELECTIVE, false));
    assertThat(plan.time().recomputeSeconds()).isPositive();
    double model = FlopCounter.trainingFlopsPerToken(m, 8192);
    double attentionForward = (model - 3 * FlopCounter.matmulFlopsPerToken(m)) / 3;
    assertThat(plan.hfu() / plan.mfu())
        .isCloseTo((model + attentionForward) / model, within(1e-12))
        .isGreaterThan(1.04);
  }
}
