package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Llama 3 405B as Meta trained it (Llama 3 paper, arXiv:2407.21783, Table 4 and section 3.3.2;
 * training/published.json, LLAMA3-2024): 126 layers on PP 16, interleaved in one-layer chunks with
 * the first and last stages a layer short (126 + 2 = 16 x 8), ZeRO 2, no recompute.
 *
 * <p>Measured 2026-12-06 (i17-18): the planner predicted 489, 459 and 454 model TFLOP/s per GPU
 * against Table 4's 430, 400 and 380 (+13.7%, +14.9%, +19.5%; mean 16.0%): optimistic on all three,
 * most at 128k (CP 16); Table 4's MFU is 43%, 41%, 38%. Not fitted: these rows were first evaluated
 * after the uneven split was written.
 *
 * <p>Since 2026-12-08 the compute behind overlapped data-parallel communication slows by {@link
 * TrainingPlanner#OVERLAP_COMPUTE_SLOWDOWN} (0.19, a published average taken as published): 426,
 * 403 and 418 (-0.95%, +0.73%, +10.06%; mean 3.9%). Not an independent check of that term: these
 * rows' optimism, and published MFUs below the planner's, are what led to it, though its figure was
 * fixed from the literature before the rows were run again.
 */
class Llama3Table4Test {
  private static final double GIB = 1L << 30;

  @Test
  void llama3Table4Throughput() {
    List<PublishedValidation.Row> rows = PublishedValidation.llama3Table4();
    assertThat(rows).hasSize(3);
    for (PublishedValidation.Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "Llama 3 Table 4 (TFLOP/s) %-40s predicted %6.1f, published %6.1f, error %+6.2f%%%n",
          r.label(),
          r.predicted(),
          r.published(),
          100 * r.error());
      // within a bounded amount (bounds a little outside today's)
      assertThat(r.error()).as(r.label()).isBetween(-0.03, 0.12);
    }
    double[] mw = PublishedValidation.meanAndWorst(rows);
    System.out.printf(
        Locale.ROOT,
        "Llama 3 Table 4: mean |error| %.2f%%, worst %.2f%%%n",
        100 * mw[0],
        100 * mw[1]);
    assertThat(mw[0]).isLessThan(0.05);
  }

  /**
   * Meta ran these layouts on 80 GB H100s. At 16,384 GPUs (16 micro-batches a step, m = p) the
   * planner's peak fits. At 8,192 (m = 32 = 2p) it does not under Megatron-LM's interleaved
   * schedule, and the planner says why: that schedule's warm-up runs groups of N = p micro-batches
   * per chunk, so the second stage holds 2(p-2) + (v-1)N + 1 = 141 one-layer chunks at its first
   * backward (the first stage 143, 31 of them the embedding's empty chunk). Meta's schedule makes N
   * tunable (section 3.3.2, Figure 6); a group a little under p brings the peak under 80 GB, and
   * the test pins how much.
   */
  @Test
  void metasLayoutsFitOr8192sGroupSizeExplainsWhyNot() {
    JsonNode rows = PublishedRuns.data().path("llama3Table4").path("rows");
    TrainingPlan p8k = PublishedValidation.llama3Plan(rows.get(0));
    assertThat(PublishedValidation.llama3Plan(rows.get(1)).fits()).isTrue();
    assertThat(PublishedValidation.llama3Plan(rows.get(2)).fits()).isTrue();
    assertThat(p8k.fits()).isFalse();
    var mem = p8k.memory();
    assertThat(mem.stage()).isEqualTo(1);
    int p = 16;
    int v = 8;
    double chunks = 2 * (p - 2) + (v - 1) * p + 1;
    assertThat(chunks).isEqualTo(141);
    double perChunk = mem.activationBytes() / chunks;
    double overhead = TrainingPlanner.ALLOCATOR_OVERHEAD;
    double rest = mem.total() / (1 + overhead) - mem.activationBytes();
    double maxChunks = Math.floor((mem.usableBytes() / (1 + overhead) - rest) / perChunk);
    int maxGroup = (int) Math.floor((maxChunks - 1 - 2 * (p - 2)) / (v - 1));
    System.out.printf(
        Locale.ROOT,
        "Llama 3 405B on 8,192: peak %.2f GiB at N = p = 16 (141 chunks of %.3f GiB);"
            + " fits at N <= %d%n",
        mem.total() / GIB,
        perChunk / GIB,
        maxGroup);
    assertThat(maxGroup).isBetween(12, 15);
  }

  /**
   * The uneven split: 126 layers on 16 stages of 8 one-layer chunks, the embedding's and the loss's
   * places counted as layers (Megatron-LM's --account-for-embedding-in-pipeline-split and
   * --account-for-loss-in-pipeline-split): 7 layers on the first and last stages, 8 on the others;
   * the first stage's empty chunk is held by the first p micro-batches of each round.
   */
  @Test
  void llama405bSplitsUnevenlyOverInterleavedStages() {
    assertThat(PipelineSplit.accounted(126, 16, 8)).isEqualTo(2);
    assertThat(PipelineSplit.accounted(126, 16, 2)).isEqualTo(2);
    assertThat(PipelineSplit.accounted(126, 16, 1)).isEqualTo(2);
    assertThat(PipelineSplit.accounted(127, 16, 8)).isEqualTo(1);
    assertThat(PipelineSplit.accounted(128, 16, 8)).isZero();
    assertThat(PipelineSplit.accounted(125, 16, 8)).isEqualTo(-1);
    int[] n = new int[16];
    for (int k = 0; k < 16; k++) {
      n[k] = ModelCopy.firstLayer(126, 16, k + 1) - ModelCopy.firstLayer(126, 16, k);
    }
    assertThat(n[0]).isEqualTo(7);
    assertThat(n[15]).isEqualTo(7);
    for (int k = 1; k < 15; k++) {
      assertThat(n[k]).isEqualTo(8);
    }
    assertThat(PipelineSplit.shortChunk(126, 16, 8, 0)).isZero();
    assertThat(PipelineSplit.shortChunk(126, 16, 8, 15)).isEqualTo(7);
    assertThat(PipelineSplit.shortChunk(126, 16, 8, 1)).isEqualTo(-1);
    // first stage, m >= 2p: 143 chunks held, 16 + 15 of them chunk 0 (this round's and the next's)
    assertThat(PipelineSplit.heldOf(0, 143, 16, 8)).isEqualTo(31);
    // last stage: (v-1)p + 1 = 113 held, one of them its last chunk
    assertThat(PipelineSplit.heldOf(7, 113, 16, 8)).isEqualTo(1);
  }
}
