package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Whole steps of the training file {@code kernels/cuda/results/h200-sxm/steps-eager-fused.json}
 * (Llama-3.1-8B and 4-layer Mixtral-8x7B, decode and prefill) against the step model: {@code eager}
 * (one kernel per op under a CUDA graph: the measured {@code eagerGraph}) and {@code compiled} (the
 * measured {@code fused}: Inductor pieces and one CUDA graph). These rows were seen while the model
 * was built: the figures are training errors, per form and per dense/MoE and decode/prefill group.
 */
class StepFormsFitTest {
  static final Path FILE =
      Path.of("..", "kernels", "cuda", "results", "h200-sxm", "steps-eager-fused.json");

  record Group(String name, List<Double> errors, int[] inside) {}

  static List<String> score(Path file, boolean print) throws Exception {
    com.fasterxml.jackson.databind.JsonNode doc =
        new ObjectMapper().readTree(Files.readString(file));
    List<Rows.StepForm> rows = RowOps.stepForms(doc);
    GpuProfile gpu = FidelityScores.gpuOf(doc);
    OpTimeModel model = Calibrations.model(gpu, Mode.CALIBRATED);
    java.util.Map<String, List<double[]>> groups = new java.util.TreeMap<>();
    for (Rows.StepForm r : rows) {
      for (Execution form : List.of(Execution.EAGER, Execution.COMPILED)) {
        double measured = form == Execution.EAGER ? r.eagerGraphSeconds() : r.fusedSeconds();
        if (Double.isNaN(measured)) {
          continue;
        }
        StepTime t =
            new StepModel(RowOps.stepFormConfig(r, form), model).time(RowOps.stepFormStep(r));
        double e = t.seconds() / measured - 1;
        if (print) {
          System.out.printf(
              Locale.ROOT,
              "%s %s %s B=%d T=%d ctx=%d measured %.3f ms predicted %.3f ms error %+.1f%%%n",
              form.key(),
              r.model(),
              r.kind(),
              r.batch(),
              r.tokens(),
              r.context(),
              measured * 1e3,
              t.seconds() * 1e3,
              e * 100);
        }
        String g = form.key() + (r.model().startsWith("mixtral") ? " moe " : " dense ") + r.kind();
        groups
            .computeIfAbsent(g, k -> new ArrayList<>())
            .add(
                new double[] {
                  Math.abs(e), measured >= t.lowSeconds() && measured <= t.highSeconds() ? 1 : 0
                });
      }
    }
    List<String> out = new ArrayList<>();
    groups.forEach(
        (g, v) -> {
          double[] e = v.stream().mapToDouble(x -> x[0]).sorted().toArray();
          double cov = v.stream().mapToDouble(x -> x[1]).sum() / v.size();
          out.add(
              String.format(
                  Locale.ROOT,
                  "%s n=%d median %.1f%% p90 %.1f%% worst %.1f%% coverage %.0f%%",
                  g,
                  e.length,
                  100 * Stats.percentile(e, 0.5),
                  100 * Stats.percentile(e, 0.9),
                  100 * e[e.length - 1],
                  100 * cov));
        });
    return out;
  }

  @Test
  void trainingErrors() throws Exception {
    List<String> groups = score(FILE, true);
    groups.forEach(System.out::println);
    assertThat(groups).hasSize(8);
  }

  /**
   * The steps of the training profiles ({@code step-profiles-train.json}, H200, 2026-12-06: Mixtral
   * decode at batch 1 to 16 and prefills, Llama-3.1-8B decode at batch 8 to 24 around the flash
   * split threshold and prefills), also training rows.
   */
  @Test
  void trainingProfileSteps() throws Exception {
    List<String> groups = score(FILE.resolveSibling("step-profiles-train.json"), true);
    groups.forEach(g -> System.out.println("profiles " + g));
    assertThat(groups).hasSize(8);
  }
}
