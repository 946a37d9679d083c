package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.op.OpKind;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.StepSpread;
import dev.hwplan.step.Execution;
import dev.hwplan.step.OpTime;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTime;
import org.junit.jupiter.api.Test;

/**
 * The step intervals' calibration ({@link StepIntervals}, freeze XIX of issue 15) and how the step
 * model uses it.
 */
class StepIntervalsTest {
  private static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");

  private static StepSpread spread(String gpu) {
    return Calibrations.model(ProfileCatalog.bundled().get(gpu), Mode.CALIBRATED).stepSpread();
  }

  private static StepSpread.Bounds bounds(
      String gpu, boolean compiled, boolean moe, boolean prefill) {
    return spread(gpu).bounds(new StepSpread.Kind(compiled, moe, prefill));
  }

  @Test
  void eachKindCountsItsMeasuredSteps() {
    for (boolean compiled : new boolean[] {false, true}) {
      assertThat(bounds("h100-sxm", compiled, false, false).n()).isEqualTo(36);
      assertThat(bounds("h100-sxm", compiled, false, true).n()).isEqualTo(24);
      assertThat(bounds("h100-sxm", compiled, true, false).n()).isEqualTo(36);
      assertThat(bounds("h100-sxm", compiled, true, true).n()).isEqualTo(22);
      assertThat(bounds("h200-sxm", compiled, false, false).n()).isEqualTo(27);
      assertThat(bounds("h200-sxm", compiled, true, false).n()).isEqualTo(26);
      assertThat(bounds("h200-sxm", compiled, false, true)).as("16 prefills a form").isNull();
      assertThat(bounds("h200-sxm", compiled, true, true)).as("11 prefills a form").isNull();
    }
    assertThat(spread("h100-sxm").bounds().values())
        .allSatisfy(
            b -> {
              assertThat(b.low()).isBetween(0.9, 1.0);
              assertThat(b.high()).isBetween(1.0, 1.12);
            });
    assertThat(spread("a100-sxm-80gb")).as("no whole steps measured").isNull();
  }

  private static StepConfig config(String model, Parallelism p, WeightDtype w) {
    return new StepConfig(
        ModelCatalog.resolve(model), p, w, KvDtype.BF16, MlaLayout.LATENT, Execution.FUSED);
  }

  @Test
  void aMeasuredKindOfStepTakesTheBounds() {
    StepModel m =
        Calibrations.stepModel(
            config("llama-3.1-8b", Parallelism.single(), WeightDtype.BF16), H100);
    StepTime t = m.time(StepComposition.decode(32, 2048));
    StepSpread.Bounds b = bounds("h100-sxm", true, false, false);
    assertThat(t.lowSeconds()).isCloseTo(t.seconds() * b.low(), within(1e-15));
    assertThat(t.highSeconds()).isCloseTo(t.seconds() * b.high(), within(1e-15));
    StepTime p = m.time(StepComposition.prefill(1, 2048));
    StepSpread.Bounds q = bounds("h100-sxm", true, false, true);
    assertThat(p.highSeconds()).isCloseTo(p.seconds() * q.high(), within(1e-15));
  }

  @Test
  void collectivesKeepTheirOwnIntervals() {
    StepModel m =
        Calibrations.stepModel(
            config("llama-3.1-70b", Parallelism.of(4, 1), WeightDtype.BF16), H100);
    StepTime t = m.time(StepComposition.decode(16, 4096));
    double comm = 0;
    double commLow = 0;
    for (OpTime op : t.ops()) {
      if (op.kind().equals(OpKind.COLLECTIVE.key())) {
        comm += op.seconds();
        commLow += op.lowSeconds();
      }
    }
    assertThat(comm).isPositive();
    StepSpread.Bounds b = bounds("h100-sxm", true, false, false);
    assertThat(t.lowSeconds()).isCloseTo((t.seconds() - comm) * b.low() + commLow, within(1e-15));
  }

  @Test
  void unmeasuredTypesAndMlaKeepTheOpsIntervals() {
    for (StepConfig c :
        new StepConfig[] {
          config("llama-3.1-8b", Parallelism.single(), WeightDtype.FP8),
          config("deepseek-v2-lite", Parallelism.single(), WeightDtype.BF16)
        }) {
      StepTime t = Calibrations.stepModel(c, H100).time(StepComposition.decode(8, 1024));
      double low = t.ops().stream().mapToDouble(OpTime::lowSeconds).sum();
      assertThat(t.lowSeconds()).as(c.model().id()).isCloseTo(low, within(1e-12));
    }
  }
}
