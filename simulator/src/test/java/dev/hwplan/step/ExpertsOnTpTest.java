package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.calibration.Calibrations;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vLLM's {@code --enable-expert-parallel} at data parallel size 1: the routed experts sharded whole
 * over the TP ranks of one group ({@link Parallelism#expertsOnTp}), against the same TP group with
 * every expert tensor-split. Qwen3-30B-A3B (128 experts of 768, top 8, hidden 2048) on TP 8.
 */
class ExpertsOnTpTest {
  static final ModelSpec QWEN3_MOE = ModelCatalog.resolve("qwen3-30b-a3b");
  static final GpuProfile H100 = ProfileCatalog.bundled().get("h100-sxm");

  static StepConfig config(ModelSpec m, Parallelism p) {
    return new StepConfig(
        m, p, WeightDtype.BF16, KvDtype.parse("bf16", "kv"), MlaLayout.LATENT, Execution.FUSED);
  }

  static List<Op> ops(Parallelism p, StepComposition s) {
    return new StepModel(config(QWEN3_MOE, p), Calibrations.model(H100, Mode.CALIBRATED))
        .graph(s)
        .ops();
  }

  static OpShape.GroupedGemm gateUp(List<Op> ops) {
    return ops.stream()
        .filter(o -> o.name().equals("moe.experts.gate_up_proj"))
        .map(o -> (OpShape.GroupedGemm) o.shape())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachRankRunsWholeExpertsOverEveryTokenWithoutAllToAll() {
    StepComposition decode = StepComposition.decode(64, 2048);
    List<Op> split = ops(new Parallelism(8, 1, 1, 1), decode);
    List<Op> whole = ops(new Parallelism(8, 1, 1, 1, true), decode);
    // tensor-split: every expert's gate and up columns over 8 ranks, 2 x 768 / 8
    assertThat(gateUp(split).n()).isEqualTo(192);
    assertThat(gateUp(whole).n()).isEqualTo(1536);
    assertThat(gateUp(whole).k()).isEqualTo(2048);
    // the busiest of 8 ranks holding 16 experts each, over the 64 tokens every rank sees
    Ops.ExpertLoad load = Ops.expertLoad(128, 8, 8, 64);
    assertThat(gateUp(whole).maxRowsPerExpert()).isEqualTo(load.maxRows());
    assertThat(gateUp(whole).activeExperts()).isEqualTo(load.activeExperts());
    assertThat(load.activeExperts()).isLessThanOrEqualTo(16);
    assertThat(gateUp(split).activeExperts()).isGreaterThan(16);
    // no all-to-all; the block's output joins in the TP all-reduce, as without it
    for (List<Op> g : List.of(split, whole)) {
      assertThat(g)
          .noneMatch(
              o -> o.shape() instanceof OpShape.Comm c && c.collective() == Collective.ALL_TO_ALL);
      assertThat(g)
          .anyMatch(
              o ->
                  o.shape() instanceof OpShape.Comm c
                      && c.collective() == Collective.ALL_REDUCE
                      && c.gpus() == 8);
    }
  }

  @Test
  void weightsPerGpuAreTheTensorSplitsAndTheNoteSaysWhatRuns() {
    Parallelism whole = new Parallelism(8, 1, 1, 1, true);
    assertThat(InferenceMemoryCalculator.weightBytesPerGpu(QWEN3_MOE, whole, WeightDtype.BF16))
        .isEqualTo(
            InferenceMemoryCalculator.weightBytesPerGpu(
                QWEN3_MOE, new Parallelism(8, 1, 1, 1), WeightDtype.BF16));
    assertThat(whole.gpus()).isEqualTo(8);
    assertThat(whole.expertShards()).isEqualTo(8);
    assertThat(whole.expertTp()).isEqualTo(1);
    InferenceEstimate e =
        InferenceEstimator.estimate(
            new InferenceRequest(config(QWEN3_MOE, whole), H100, 64, 1024, 256, Mode.CALIBRATED));
    assertThat(e.notes())
        .contains(
            "experts on the TP ranks (vLLM's --enable-expert-parallel): each of the 8 GPUs of a"
                + " group holds 16 of the 128 routed experts whole and runs every token routed to"
                + " them; no all-to-all, their outputs are summed by the TP all-reduce after the"
                + " block");
    assertThat(e.decode()).noneMatch(o -> o.name().equals("moe.dispatch"));
    // at TP 1 the flag changes nothing, and says so
    InferenceEstimate one =
        InferenceEstimator.estimate(
            new InferenceRequest(
                config(QWEN3_MOE, new Parallelism(1, 1, 1, 1, true)),
                H100,
                64,
                1024,
                256,
                Mode.CALIBRATED));
    assertThat(one.notes())
        .contains(
            "--enable-expert-parallel at TP 1: every routed expert is on the one GPU, as without it");
  }

  @Test
  void layoutsVllmRefusesAreBadInputNamingTheFlag() {
    assertThatThrownBy(() -> new Parallelism(8, 1, 1, 2, true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("--enable-expert-parallel")
        .hasMessageContaining("--ep 2");
    ModelSpec dense = ModelCatalog.resolve("llama-3.1-8b");
    assertThatThrownBy(() -> new Parallelism(2, 1, 1, 1, true).validateFor(dense))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "command line: field '--enable-expert-parallel': expert parallelism needs an MoE"
                + " model; llama-3.1-8b has"
                + " none");
    // Mixtral's 8 experts do not shard over 16 ranks (its 32 heads and 8 KV heads allow TP 16)
    ModelSpec mixtral = ModelCatalog.resolve("mixtral-8x7b");
    new Parallelism(16, 1, 1, 1).validateFor(mixtral);
    assertThatThrownBy(() -> new Parallelism(16, 1, 1, 1, true).validateFor(mixtral))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expert parallel size 16 (its TP ranks) does not divide the 8");
  }
}
