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

  @Test
  void eachKindCountsItsMeasuredStepsInBothForms() {
    StepSpread h100 = spread("h100-sxm");
    assertThat(h100.denseDecode().n()).isEqualTo(72);
    assertThat(h100.densePrefill().n()).isEqualTo(48);
    assertThat(h100.moeDecode().n()).isEqualTo(72);
    assertThat(h100.moePrefill().n()).isEqualTo(44);
    StepSpread h200 = spread("h200-sxm");
    assertThat(h200.denseDecode().n()).isEqualTo(36);
    assertThat(h200.densePrefill().n()).isEqualTo(24);
    assertThat(h200.moeDecode().n()).isEqualTo(36);
    assertThat(h200.moePrefill()).as("9 prefills in two forms, below 19").isNull();
    assertThat(spread("a100-sxm-80gb")).as("no whole steps measured").isNull();
    for (StepSpread s : new StepSpread[] {h100, h200}) {
      for (StepSpread.Bounds b :
          new StepSpread.Bounds[] {s.denseDecode(), s.densePrefill(), s.moeDecode()}) {
        assertThat(b.low()).isBetween(0.9, 1.0);
        assertThat(b.high()).isBetween(1.0, 1.1);
      }
    }
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
    StepSpread.Bounds b = spread("h100-sxm").denseDecode();
    assertThat(t.lowSeconds()).isCloseTo(t.seconds() * b.low(), within(1e-15));
    assertThat(t.highSeconds()).isCloseTo(t.seconds() * b.high(), within(1e-15));
    StepTime p = m.time(StepComposition.prefill(1, 2048));
    StepSpread.Bounds q = spread("h100-sxm").densePrefill();
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
    StepSpread.Bounds b = spread("h100-sxm").denseDecode();
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
