package dev.hwplan.perf.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.StepSpread;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The step intervals' calibration ({@link StepSpread}): whole steps measured on a GPU, which no
 * model was fitted to, and the ratio of each step's measured time to the calibrated model's
 * prediction of it (issue 15, freeze XIX). The steps are the bundled {@code
 * calibrations/<gpu>/step-interval.json}: the totals (no kernel tables) of the step-profile grids
 * that {@link #SOURCES} names, copied from {@code kernels/cuda/results/<gpu>/} ({@code
 * StepIntervalFileTest} checks the copy). Each row counts twice, its eager step as {@link
 * Execution#EAGER} and its compiled step as {@link Execution#COMPILED}; the kinds of step (dense or
 * MoE, decode or prefill) have bounds of their own. The training steps (those the in-step
 * grouped-GEMM scale and freeze XVIII's form were chosen on) are not among them, nor the current
 * validation grids.
 */
public final class StepIntervals {
  private StepIntervals() {}

  /** The bundled file of a GPU's calibration steps, under {@code calibrations/<gpu>/}. */
  public static final String FILE = "step-interval.json";

  /**
   * The step-profile grids behind each GPU's file, in {@code kernels/cuda/results/<gpu>/}: every
   * whole-step grid measured before freeze XIX and after the step model took its present shape
   * (freeze III), but the training steps and the current validation grids. Each chose or checked an
   * earlier freeze's form, and none was fitted to.
   */
  public static final Map<String, List<String>> SOURCES =
      Map.of(
          "h100-sxm",
          List.of(
              "step-profiles-validation3.json",
              "step-profiles-validation4.json",
              "step-profiles-validation6.json",
              "step-profiles-validation7.json",
              "step-profiles-validation8.json",
              "step-profiles-validation9.json"),
          "h200-sxm",
          List.of(
              "step-profiles-validation.json",
              "step-profiles-validation4.json",
              "step-profiles-validation5.json"));

  /**
   * The spread of {@code model}'s step predictions on {@code gpu}, or null where {@code gpu} is not
   * a bundled profile as bundled or has no calibration steps.
   */
  public static StepSpread of(GpuProfile gpu, OpTimeModel model) {
    ProfileCatalog catalog = ProfileCatalog.bundled();
    if (!catalog.contains(gpu.id()) || !gpu.equals(catalog.get(gpu.id()))) {
      return null;
    }
    JsonNode doc = read("calibrations/" + gpu.id() + "/" + FILE);
    return doc == null ? null : of(doc, model, "calibrations/" + gpu.id() + "/" + FILE);
  }

  /** The spread of {@code model}'s predictions of the steps of {@code doc}. */
  static StepSpread of(JsonNode doc, OpTimeModel model, String basis) {
    List<List<Double>> kinds = List.of(list(), list(), list(), list());
    for (Rows.StepForm r : RowOps.stepForms(doc)) {
      boolean moe = RowOps.stepFormModel(r).moe() != null;
      boolean prefill = !r.kind().equals("decode");
      for (Execution form : List.of(Execution.EAGER, Execution.COMPILED)) {
        double measured = form == Execution.EAGER ? r.eagerGraphSeconds() : r.fusedSeconds();
        if (Double.isNaN(measured)) {
          continue;
        }
        double predicted =
            new StepModel(RowOps.stepFormConfig(r, form), model).seconds(RowOps.stepFormStep(r));
        kinds.get((moe ? 2 : 0) + (prefill ? 1 : 0)).add(measured / predicted);
      }
    }
    return new StepSpread(
        bounds(kinds.get(0)),
        bounds(kinds.get(1)),
        bounds(kinds.get(2)),
        bounds(kinds.get(3)),
        basis);
  }

  private static List<Double> list() {
    return new ArrayList<>();
  }

  private static StepSpread.Bounds bounds(List<Double> ratios) {
    return StepSpread.Bounds.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static JsonNode read(String resource) {
    try (InputStream in = StepIntervals.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : StrictMapper.json().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
