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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step intervals' calibration ({@link StepSpread}): whole steps measured on a GPU, which no
 * model was fitted to, and the ratio of each step's measured time to the calibrated model's
 * prediction of it (issue 15, freeze XIX). The steps are the bundled {@code
 * calibrations/<gpu>/step-interval.json}: the totals (no kernel tables) of the step-profile grids
 * that {@link #SOURCES} names, copied from {@code kernels/cuda/results/<gpu>/} ({@code
 * StepIntervalFileTest} checks the copy). Each row gives an eager step ({@link Execution#EAGER})
 * and a compiled one ({@link Execution#COMPILED}), and each kind of step (form, dense or MoE,
 * decode or prefill) has bounds of its own: pooled over the two forms, the H100's compiled dense
 * decodes of {@code step-profiles-validation10.json} fell 4 of 7 inside, the compiled steps being
 * predicted a little slow and the eager ones a little fast. The training steps (those the in-step
 * grouped-GEMM scale, the compiled form's scale and freeze XVIII's form were chosen on) are not
 * among them, nor the validation grids measured since.
 */
public final class StepIntervals {
  private StepIntervals() {}

  /** The bundled file of a GPU's calibration steps, under {@code calibrations/<gpu>/}. */
  public static final String FILE = "step-interval.json";

  /**
   * The whole-step grids behind each GPU's file, in {@code kernels/cuda/results/<gpu>/}: the step
   * profiles measured before freeze XIX but the training steps and {@code
   * step-profiles-validation10.json} (it was still a validation grid when the freeze was made, and
   * its coverage then made the bounds per form), and, on the H200, freeze I/II's {@code
   * steps-eager-fused-validation.json}, taken so that the H200's decodes reach 19 steps a kind.
   * Each chose or checked an earlier freeze's form, and none was fitted to.
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
              "steps-eager-fused-validation.json",
              "step-profiles-validation.json",
              "step-profiles-validation4.json",
              "step-profiles-validation5.json"));

  /**
   * The spread of {@code model}'s step predictions on {@code gpu}, or null where {@code gpu} is not
   * a bundled profile as bundled or has no calibration steps.
   */
  public static StepSpread of(GpuProfile gpu, OpTimeModel model) {
    if (!measured(gpu)) {
      return null;
    }
    JsonNode doc = read("calibrations/" + gpu.id() + "/" + FILE);
    return doc == null ? null : of(doc, model, "calibrations/" + gpu.id() + "/" + FILE);
  }

  /** Whether {@code gpu} is a bundled profile, as bundled, with calibration steps. */
  static boolean measured(GpuProfile gpu) {
    ProfileCatalog catalog = ProfileCatalog.bundled();
    return SOURCES.containsKey(gpu.id()) && gpu.equals(catalog.get(gpu.id()));
  }

  /** The spread of {@code model}'s predictions of the steps of {@code doc}. */
  static StepSpread of(JsonNode doc, OpTimeModel model, String basis) {
    Map<StepSpread.Kind, List<Double>> kinds = new LinkedHashMap<>();
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
        kinds
            .computeIfAbsent(
                new StepSpread.Kind(form == Execution.COMPILED, moe, prefill),
                k -> new ArrayList<>())
            .add(measured / predicted);
      }
    }
    Map<StepSpread.Kind, StepSpread.Bounds> bounds = new LinkedHashMap<>();
    kinds.forEach(
        (k, v) -> {
          StepSpread.Bounds b =
              StepSpread.Bounds.of(v.stream().mapToDouble(Double::doubleValue).toArray());
          if (b != null) {
            bounds.put(k, b);
          }
        });
    return new StepSpread(bounds, basis);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = StepIntervals.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : StrictMapper.json().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
