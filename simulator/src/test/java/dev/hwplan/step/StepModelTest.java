package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.AttentionKind;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpKind;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.StepSpread;
import dev.hwplan.perf.calibration.Calibrations;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step model: its time is the sum of every op predicted on its own (the definition of a step's
 * time; the model times ops of equal work once), the memoised {@link StepModel#seconds} returns the
 * same bits as {@link StepModel#time}, and mixed steps are built from the same pieces as uniform
 * ones.
 */
class StepModelTest {

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("llama-3.1-8b", "h100-sxm", 1, 1, WeightDtype.BF16, MlaLayout.LATENT, "fused"),
        Arguments.of("llama-3.1-70b", "h100-sxm", 4, 1, WeightDtype.FP8, MlaLayout.LATENT, "fused"),
        Arguments.of("deepseek-v3", "h200-sxm", 8, 1, WeightDtype.FP8, MlaLayout.LATENT, "fused"),
        Arguments.of("deepseek-v3", "h200-sxm", 8, 2, WeightDtype.FP8, MlaLayout.EXPANDED, "fused"),
        Arguments.of(
            "deepseek-v2-lite", "h100-sxm", 1, 1, WeightDtype.BF16, MlaLayout.LATENT, "eager"),
        Arguments.of("gemma-2-9b", "h100-sxm", 1, 1, WeightDtype.BF16, MlaLayout.LATENT, "eager"),
        Arguments.of("mixtral-8x7b", "h200-sxm", 2, 1, WeightDtype.FP8, MlaLayout.LATENT, "fused"),
        Arguments.of("llama-3.1-405b", "b200", 8, 2, WeightDtype.FP8, MlaLayout.LATENT, "fused"));
  }

  private static StepConfig config(
      String model, int tp, int pp, WeightDtype w, MlaLayout mla, String ex) {
    return new StepConfig(
        ModelCatalog.resolve(model),
        Parallelism.of(tp, pp),
        w,
        KvDtype.BF16,
        mla,
        Execution.parse(ex, "execution"));
  }

  private static List<StepComposition> compositions() {
    return List.of(
        StepComposition.prefill(1, 1024),
        StepComposition.prefill(16, 2048),
        StepComposition.decode(1, 1088),
        StepComposition.decode(64, 8192),
        StepComposition.builder()
            .prefill(512, 0)
            .prefill(512, 1536)
            .decode(3000)
            .decode(9000)
            .build(),
        StepComposition.builder().prefill(2048, 4096).decodes(255, 255L * 6000).build());
  }

  @ParameterizedTest
  @MethodSource("configs")
  void timeIsTheSumOfEveryOpPredictedOnItsOwnAndTheMemoAgrees(
      String model, String gpuId, int tp, int pp, WeightDtype w, MlaLayout mla, String ex) {
    GpuProfile gpu = ProfileCatalog.bundled().get(gpuId);
    StepConfig c = config(model, tp, pp, w, mla, ex);
    for (Mode mode : Mode.values()) {
      OpTimeModel times = Calibrations.model(gpu, mode);
      StepModel steps = new StepModel(c, times);
      for (StepComposition s : compositions()) {
        StepTime t = steps.time(s);
        double sum = 0;
        double lo = 0;
        double hi = 0;
        double comm = 0;
        double commLo = 0;
        double commHi = 0;
        List<Op> ops = steps.graph(s).ops();
        assertThat(t.ops()).hasSameSizeAs(ops);
        // the step's own op-time model: the calibrated one in a step's context (SustainedClock)
        OpTimeModel own = steps.timeModel();
        for (int i = 0; i < ops.size(); i++) {
          Op op = ops.get(i);
          var p = own.predict(op);
          sum += p.seconds() * op.count();
          lo += p.lowSeconds() * op.count();
          hi += p.highSeconds() * op.count();
          if (op.kind() == OpKind.COLLECTIVE || op.kind() == OpKind.P2P) {
            comm += p.seconds() * op.count();
            commLo += p.lowSeconds() * op.count();
            commHi += p.highSeconds() * op.count();
          }
          assertThat(t.ops().get(i).secondsEach()).isEqualTo(p.seconds());
          assertThat(t.ops().get(i).name()).isEqualTo(op.name());
        }
        assertThat(t.seconds()).as("%s %s %s", model, mode, s).isEqualTo(sum);
        // measured steps' bounds where the GPU has them for this kind of step (freeze XIX), else
        // the sum of the ops' intervals
        StepSpread spread = times.stepSpread();
        StepSpread.Bounds b =
            spread == null
                    || !w.equals(WeightDtype.BF16)
                    || !c.kv().equals(KvDtype.BF16)
                    || c.model().attentionKind() == AttentionKind.MLA
                ? null
                : spread.bounds(
                    new StepSpread.Kind(
                        c.execution() != Execution.EAGER,
                        c.model().moe() != null,
                        !s.decodeOnly()));
        if (b == null) {
          assertThat(t.lowSeconds()).isEqualTo(lo);
          assertThat(t.highSeconds()).isEqualTo(hi);
        } else {
          assertThat(t.lowSeconds()).isCloseTo((sum - comm) * b.low() + commLo, within(1e-15));
          assertThat(t.highSeconds()).isCloseTo((sum - comm) * b.high() + commHi, within(1e-15));
        }
        assertThat(steps.seconds(s)).isEqualTo(sum); // computed
        assertThat(steps.seconds(s)).isEqualTo(sum); // from the memo
      }
    }
  }

  @Test
  void aMixedStepRunsTheLinearLayersOnceOverAllItsTokens() {
    StepConfig c = config("llama-3.1-8b", 1, 1, WeightDtype.BF16, MlaLayout.LATENT, "fused");
    StepComposition mixed =
        StepComposition.builder().prefill(512, 1024).decode(2000).decode(4000).build();
    assertThat(mixed.tokens()).isEqualTo(514);
    assertThat(mixed.sequences()).isEqualTo(3);
    assertThat(mixed.decodeContext()).isEqualTo(3000);
    List<Op> ops = TransformerStep.build(c, mixed).ops();
    Op qkv = ops.stream().filter(o -> o.name().equals("attn.qkv_proj")).findFirst().orElseThrow();
    assertThat(((dev.hwplan.op.OpShape.Gemm) qkv.shape()).m()).isEqualTo(514);
    assertThat(ops.stream().filter(o -> o.kind() == OpKind.ATTENTION_PREFILL).map(Op::name))
        .containsExactly("prefill_attention");
    assertThat(ops.stream().filter(o -> o.kind() == OpKind.ATTENTION_DECODE).map(Op::name))
        .containsExactly("decode_attention");
    Op logits = ops.stream().filter(o -> o.name().equals("logits")).findFirst().orElseThrow();
    assertThat(((dev.hwplan.op.OpShape.Gemm) logits.shape()).m()).isEqualTo(3);
  }

  @Test
  void aMixedStepCostsLessThanItsPartsRunApartAndMoreThanEither() {
    GpuProfile gpu = ProfileCatalog.bundled().get("h100-sxm");
    StepConfig c = config("llama-3.1-8b", 1, 1, WeightDtype.BF16, MlaLayout.LATENT, "fused");
    StepModel steps = new StepModel(c, Calibrations.model(gpu, Mode.CALIBRATED));
    double prefill = steps.seconds(StepComposition.prefill(1, 512));
    double decode = steps.seconds(StepComposition.decode(32, 4096));
    double both =
        steps.seconds(StepComposition.builder().prefill(512, 0).decodes(32, 32L * 4096).build());
    // The weights are read once for both (decode is weight-streaming bound at batch 32).
    assertThat(both).isLessThan(prefill + decode).isGreaterThan(Math.max(prefill, decode));
  }

  @Test
  void mlaMixedStepsSplitLatentDecodeFromExpandedPrefill() {
    StepConfig c = config("deepseek-v3", 8, 1, WeightDtype.FP8, MlaLayout.LATENT, "fused");
    StepComposition mixed = StepComposition.builder().prefill(256, 0).decode(5000).build();
    List<Op> ops = TransformerStep.build(c, mixed).ops();
    // Every one of the 61 layers (dense and MoE kinds share the attention half) runs both.
    assertThat(ops.stream().filter(o -> o.kind() == OpKind.MLA_DECODE).mapToInt(Op::count).sum())
        .isEqualTo(61);
    assertThat(
            ops.stream()
                .filter(o -> o.kind() == OpKind.ATTENTION_PREFILL)
                .mapToInt(Op::count)
                .sum())
        .isEqualTo(61);
    Op kvB = ops.stream().filter(o -> o.name().equals("attn.kv_b_proj")).findFirst().orElseThrow();
    assertThat(((dev.hwplan.op.OpShape.Gemm) kvB.shape()).m()).isEqualTo(256);
  }

  @Test
  void compositionsRejectEmptyAndNegativeSteps() {
    assertThatThrownBy(() -> StepComposition.builder().build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StepComposition.decode(0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StepComposition.builder().prefill(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StepComposition.builder().decode(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCompiledFormScalesComputeBoundOpsOnlyAndWritesTheCacheApart() {
    GpuProfile gpu = ProfileCatalog.bundled().get("h200-sxm");
    OpTimeModel times = Calibrations.model(gpu, Mode.CALIBRATED);
    StepConfig c = config("llama-3.1-8b", 1, 1, WeightDtype.BF16, MlaLayout.LATENT, "compiled");
    StepModel steps = new StepModel(c, times);
    for (StepComposition s :
        List.of(StepComposition.prefill(1, 4096), StepComposition.decode(8, 2048))) {
      StepTime t = steps.time(s);
      List<Op> ops = steps.graph(s).ops();
      assertThat(ops).extracting(Op::name).contains("attn.rope", "attn.cache_write");
      double sum = 0;
      int scaled = 0;
      for (int i = 0; i < ops.size(); i++) {
        var p = times.predict(ops.get(i));
        double f = p.bound() == dev.hwplan.perf.device.Bound.COMPUTE ? 1.036 : 1;
        scaled += f > 1 ? 1 : 0;
        assertThat(t.ops().get(i).secondsEach()).isCloseTo(p.seconds() * f, within(1e-15));
        sum += t.ops().get(i).seconds();
      }
      if (s.decodes() == 0) {
        assertThat(scaled).as("the prefill's GEMMs and attention").isGreaterThan(0);
      }
      assertThat(t.seconds()).isCloseTo(sum, within(1e-12));
      assertThat(steps.seconds(s)).isEqualTo(t.seconds());
    }
  }
}
