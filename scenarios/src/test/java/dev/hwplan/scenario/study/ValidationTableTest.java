package dev.hwplan.scenario.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.perf.calibration.ValidationAccuracy;
import dev.hwplan.perf.calibration.ValidationAccuracy.MeasuredFile;
import dev.hwplan.perf.calibration.ValidationAccuracy.Row;
import dev.hwplan.perf.calibration.ValidationAccuracy.Source;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * The validation table shows the validation rows only, marks the targets each misses, and its
 * paragraph names the files, devices and dates and the seen files.
 */
class ValidationTableTest {
  private static final String OPS = "kernels/cuda/results/h100-sxm/ops.json";
  private static final String STEPS = "kernels/cuda/results/h100-sxm/steps.json";
  private static final String OLD = "kernels/cuda/results/h200-sxm/old.json";

  private static ValidationAccuracy sample() {
    String v = ValidationAccuracy.VALIDATION;
    return new ValidationAccuracy(
        new Source(
            "freeze X",
            "abc1234",
            "scored",
            "test",
            List.of(
                new MeasuredFile(OPS, v, "h100-sxm", "H100", "2026-12-06T05:48:34Z", "8b07c7f"),
                new MeasuredFile(STEPS, v, "h100-sxm", "H100", "2026-12-06T21:10:26Z", "f3edeff"),
                new MeasuredFile(
                    OLD,
                    ValidationAccuracy.SEEN,
                    "h200-sxm",
                    "H200",
                    "2026-12-04T19:00:30Z",
                    "x"))),
        List.of(
            new Row("h100-sxm", OPS, v, "grouped GEMM", "mm", "op", 10, 4.9, 12.1, 20, 9, 90),
            new Row("h100-sxm", OPS, v, "per-expert loop", "loop", "op", 10, 5.1, 11, 30, 8, 90),
            new Row("h100-sxm", STEPS, v, "MoE decode step", "eager", "step", 4, 3, 20, 12, 3, 90),
            new Row(
                "h100-sxm", STEPS, v, "MoE decode step", "compiled", "step", 4, 3, 5, 13, 4, 90),
            new Row("h200-sxm", OLD, ValidationAccuracy.SEEN, "x", "y", "op", 5, 1, 1, 1, 5, 90)));
  }

  @Test
  void tableHasTheValidationRowsWithTheTargetsTheyMiss() {
    Table t = ValidationTable.table("accuracy-validation", sample());
    assertThat(t.rowCount()).isEqualTo(4);
    assertThat(t.stringColumn("target").asList())
        .containsExactly("misses p90 > 12%", "misses median > 5%", "met", "misses worst > 12%");
    assertThat(t.stringColumn("file").asList()).containsOnly("ops.json", "steps.json");
    assertThat(t.doubleColumn("coveragePct").getString(0)).isEqualTo("90.0");
    assertThat(t.doubleColumn("medianErrorPct").getString(1)).isEqualTo("5.1");
  }

  @Test
  void textNamesTheFreezeFilesDatesTargetsAndSeenFiles() {
    String text = ValidationTable.text(sample());
    assertThat(text)
        .contains("commit `abc1234` (freeze X)")
        .contains("`" + OPS + "`, `" + STEPS + "` (H100, 2026-12-06 05:48 to 21:10 UTC)")
        .contains("3 of the 4 rows miss one")
        .contains("nominal 90%")
        .contains("(`" + OLD + "` (H200, 2026-12-04 19:00 UTC)) are scored")
        .contains("median of at most 5% and a p90 of at most 12%")
        .contains("a worst of at most 12%");
  }

  @Test
  void theBundledFileHasEveryIssue15FamilyOnValidationData() {
    List<String> families =
        ValidationAccuracy.bundled().validationRows().stream()
            .map(r -> r.family() + " / " + r.form())
            .distinct()
            .toList();
    assertThat(families)
        .contains(
            "prefill attention, SDPA flash / forward",
            "prefill attention, SDPA flash / backward",
            "prefill attention, cuDNN / forward",
            "prefill attention, cuDNN / backward",
            "grouped GEMM / torch._grouped_mm",
            "per-expert loop / cuBLAS, one GEMM an expert",
            "dense decode step / eager",
            "dense decode step / compiled",
            "dense prefill step / eager",
            "dense prefill step / compiled",
            "MoE decode step / eager",
            "MoE decode step / compiled",
            "MoE prefill step / eager",
            "MoE prefill step / compiled");
  }
}
