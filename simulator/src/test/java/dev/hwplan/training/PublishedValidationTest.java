package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PublishedValidation}'s rows printed with their errors, and the errors pinned to ceilings a
 * little above today's (so that a change that makes them worse fails). Measured 2026-12-05
 * (i17-train, after main's issue-15 calibration): Korthikanti Table 5 mean 3.54%, worst 6.00%
 * (Calculon: 3.65%, 8.87%); Narayanan Table 1 mean 4.32%, worst 11.58% (the 1.7B model at TP 1, DP
 * 32).
 *
 * <p>Before the two pipeline-send mechanisms of Narayanan et al. 2021 (sends on the critical path
 * scale with {@code m v + p - 1} when interleaved; scatter/gather of the activation over the TP
 * group without SP) the figures were 4.34% / 9.97% and 4.09% / 11.58%. Those mechanisms come from
 * the paper and Megatron-LM's code, with no constant fitted, but they were looked for after seeing
 * Table 5's largest error (Megatron-1T, PP 64): Table 5 is no longer a blind check of them. Table
 * 1's figures checked against the paper's transcriptions on 2026-12-05 (see the data file's
 * NARAYANAN-2021 source): unchanged.
 *
 * <p>Issue 15's freeze III (lower fitted small-kernel latency, eager strided elementwise rates)
 * moved them to 3.67% / 6.06% and 4.41% / 12.09%. Session 13 (2026-12-06) replaced the bubble's
 * {@code (p - 1) x} the slowest stage by the fill and drain of the stages as they are, {@code
 * sum(t_i) - max(t_i)} (a flow shop's makespan; equal to the old term where the stages are equal):
 * Table 5 3.43% / 5.45%, Table 1 4.55% / 12.09% (its pipelined rows, already predicted fast, a
 * little faster), Llama 3 Table 4 +13.8 / +15.0 / +19.7% (was +13.7 / +14.9 / +19.5%). No constant
 * was fitted; the mechanism was looked for after seeing Table 5's errors (the largest at the
 * deepest pipelines), so Table 5 is a check of it, not a blind one.
 *
 * <p>Session 14 (2026-12-06), two changes of issue 15, neither chosen on these tables: freeze IV
 * (the grouped-GEMM model streams at a fitted rate per SM cycle, at most the read bandwidth, where
 * freeze III took a fitted share of HBM; chosen on H100 grouped-GEMM measurements, validated on
 * fresh H100 and H200 ones) moved Table 5 to 3.83% / 6.83% and Table 1 to 5.25% / 15.57%, through
 * {@code Ops.batchedGemm}, which the grouped model then timed. Measured {@code torch.bmm} times
 * (H200, {@code batched-gemm.json}) then showed that model wrong for cuBLAS's batched GEMMs
 * (attention 22% slow at the median, MLA's absorbed projections 139%), and the calibrated cuBLAS
 * model right for the attention ones (3.5% on the train set, 3.2% on its validation set):
 * Megatron's attention GEMMs are timed by it since. Table 5 3.94% / 6.95% (22B seq+sel -6.95%),
 * Table 1 5.31% / 16.01% (1.7B +16.01%). The A100 has no measurement of either kernel; the ceilings
 * follow these figures rather than the model the tables.
 *
 * <p>Session 23 (2026-12-08): the compute behind overlapped data-parallel communication slows by
 * {@link TrainingPlanner#OVERLAP_COMPUTE_SLOWDOWN} of the hidden time (a published average). These
 * runs reduce their gradients after the backward, not overlapped: Tables 1 and 5 unchanged; Llama 3
 * Table 4 (overlapped) -0.95 / +0.73 / +10.06% ({@link Llama3Table4Test}).
 */
class PublishedValidationTest {
  private static double[] print(String what, List<PublishedValidation.Row> rows) {
    for (PublishedValidation.Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%s %-28s predicted %8.2f, published %8.2f, error %+6.2f%%%n",
          what,
          r.label(),
          r.predicted(),
          r.published(),
          100 * r.error());
    }
    double[] mw = PublishedValidation.meanAndWorst(rows);
    System.out.printf(
        Locale.ROOT, "%s: mean |error| %.2f%%, worst %.2f%%%n", what, 100 * mw[0], 100 * mw[1]);
    return mw;
  }

  /** Each published table: its row count, and the ceilings of its mean and worst |error|. */
  static Stream<Arguments> tables() {
    return Stream.of(
        Arguments.of(
            "Korthikanti Table 5 (s)",
            table(PublishedValidation::korthikantiTable5),
            8,
            // 3.94% / 6.95% since session 14 (3.43% / 5.45% before; 0.04 / 0.065 before the
            // stage-by-stage bubble)
            0.040,
            0.071),
        Arguments.of(
            "Narayanan Table 1 (TFLOP/s)",
            table(PublishedValidation::narayananTable1),
            10,
            // 5.31% since session 14 (4.55% before)
            0.054,
            // 11.58% before issue 15's freeze III (eager strided elementwise kernels, which also
            // lower the fitted small-kernel latency), 12.09% (megatron-1.7b, predicted too fast),
            // 16.01% since session 14 (the A100's attention GEMMs by the cuBLAS model)
            0.161));
  }

  private static Supplier<List<PublishedValidation.Row>> table(
      Supplier<List<PublishedValidation.Row>> rows) {
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tables")
  void publishedTable(
      String what,
      Supplier<List<PublishedValidation.Row>> table,
      int size,
      double mean,
      double worst) {
    List<PublishedValidation.Row> rows = table.get();
    assertThat(rows).hasSize(size);
    double[] mw = print(what, rows);
    assertThat(mw[0]).isLessThan(mean);
    assertThat(mw[1]).isLessThan(worst);
  }

  /**
   * Narayanan et al. 2021 Table 1 checked against itself: its eleven columns are not independent,
   * so a mistyped figure shows. Achieved teraFLOP/s per GPU times GPUs is the aggregate petaFLOP/s,
   * over the A100's 312 teraFLOP/s it is the percentage of peak, and the parameters follow from
   * their equation (2), {@code P = 12 l h^2 (1 + 13/12h + (V + s)/12lh)}; each within the rounding
   * of the printed figures.
   */
  @Test
  void narayananTable1IsConsistentWithItself() {
    JsonNode rows = PublishedRuns.data().path("narayananTable1").path("rows");
    assertThat(rows).hasSize(10);
    for (JsonNode r : rows) {
      JsonNode cfg = PublishedRuns.data().path("models").path(r.get("model").asText());
      double tf = r.get("teraflopsPerGpu").asDouble();
      int gpus = r.get("gpus").asInt();
      double aggregate = tf * gpus / 1000;
      assertThat(aggregate)
          .as(r.get("model").asText() + " aggregate")
          .isCloseTo(
              r.get("aggregatePetaflops").asDouble(),
              org.assertj.core.api.Assertions.within(0.5 * gpus / 1000 + 0.05));
      assertThat(100 * tf / 312)
          .as(r.get("model").asText() + " percent of peak")
          .isCloseTo(
              r.get("percentOfPeak").asDouble(),
              org.assertj.core.api.Assertions.within(0.5 + 50.0 / 312));
      double h = cfg.get("n_embd").asDouble();
      double l = cfg.get("n_layer").asDouble();
      double v = cfg.get("vocab_size").asDouble();
      double s = cfg.get("n_positions").asDouble();
      double params = 12 * l * h * h * (1 + 13 / (12 * h) + (v + s) / (12 * l * h)) / 1e9;
      assertThat(params)
          .as(r.get("model").asText() + " parameters")
          .isCloseTo(
              r.get("paramsBillion").asDouble(), org.assertj.core.api.Assertions.within(0.06));
    }
  }
}
