package dev.hwplan.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCount;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpKind;
import dev.hwplan.op.OpShape;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.TransformerStep;
import org.junit.jupiter.api.Test;

class OpGraphTest {
  private static final ModelSpec LLAMA8 = ModelCatalog.resolve("llama-3.1-8b");

  private static double sum(OpGraph g, OpKind kind, java.util.function.ToDoubleFunction<Op> f) {
    return g.ops().stream()
        .filter(o -> o.kind() == kind)
        .mapToDouble(o -> f.applyAsDouble(o) * o.count())
        .sum();
  }

  @Test
  void llama8bDecodeStreamsEveryWeightButTheEmbeddingOnce() {
    OpGraph g = TransformerStep.decode(StepConfig.of(LLAMA8), 1, 1024);
    ParameterCount p = ParameterCounter.count(LLAMA8);
    double weights =
        g.ops().stream()
            .filter(o -> o.shape() instanceof OpShape.Gemm)
            .mapToDouble(
                o -> {
                  OpShape.Gemm s = (OpShape.Gemm) o.shape();
                  return s.n() * (double) s.k() * s.weightBytes() * o.count();
                })
            .sum();
    double expected = 2.0 * (p.total() - p.embedding() - p.norms());
    assertThat(weights / expected).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void decodeFlopsMatchTwiceTheActiveParametersPlusAttention() {
    OpGraph g = TransformerStep.decode(StepConfig.of(LLAMA8), 1, 4096);
    double gemm = sum(g, OpKind.GEMM, Op::flops);
    double attention = sum(g, OpKind.ATTENTION_DECODE, Op::flops);
    assertThat(gemm)
        .isCloseTo(
            dev.hwplan.model.FlopCounter.matmulFlopsPerToken(LLAMA8),
            org.assertj.core.data.Percentage.withPercentage(0.01));
    assertThat(attention)
        .isCloseTo(
            dev.hwplan.model.FlopCounter.attentionFlopsPerToken(LLAMA8, 4096),
            org.assertj.core.data.Percentage.withPercentage(0.01));
  }

  @Test
  void tensorParallelAddsTwoAllReducesPerLayer() {
    StepConfig c = StepConfig.of(LLAMA8, Parallelism.of(4, 1));
    OpGraph g = TransformerStep.decode(c, 8, 2048);
    long allReduces =
        g.ops().stream()
            .filter(
                o -> o.shape() instanceof OpShape.Comm s && s.collective() == Collective.ALL_REDUCE)
            .mapToLong(Op::count)
            .sum();
    assertThat(allReduces).isEqualTo(64);
    Op qkv =
        g.ops().stream().filter(o -> o.name().equals("attn.qkv_proj")).findFirst().orElseThrow();
    assertThat(((OpShape.Gemm) qkv.shape()).n()).isEqualTo((32 / 4 + 2 * 2) * 128);
  }

  @Test
  void pipelineParallelSendsBetweenStages() {
    StepConfig c = StepConfig.of(LLAMA8, Parallelism.of(1, 4));
    OpGraph g = TransformerStep.decode(c, 1, 1024);
    assertThat(g.ops().stream().filter(o -> o.kind() == OpKind.P2P).mapToLong(Op::count).sum())
        .isEqualTo(3);
  }

  @Test
  void deepseekV3LatentDecodeReadsOneLatentPerTokenAndLayer() {
    ModelSpec v3 = ModelCatalog.resolve("deepseek-v3");
    OpGraph g = TransformerStep.decode(StepConfig.of(v3), 1, 4096);
    double kvRead =
        g.ops().stream()
            .filter(o -> o.kind() == OpKind.MLA_DECODE)
            .mapToDouble(o -> (o.bytesRead() - 128 * 576 * 2) * o.count())
            .sum();
    assertThat(kvRead).isEqualTo(61.0 * 4096 * 576 * 2);
    OpGraph expanded =
        TransformerStep.decode(
            StepConfig.of(v3, Parallelism.single(), WeightDtype.BF16, MlaLayout.EXPANDED), 1, 4096);
    assertThat(expanded.ops().stream().anyMatch(o -> o.kind() == OpKind.MLA_DECODE)).isFalse();
    assertThat(sum(expanded, OpKind.ATTENTION_DECODE, Op::bytes)).isGreaterThan(50 * kvRead);
  }

  private static OpShape.GroupedGemm firstGroupedGemm(OpGraph g) {
    return (OpShape.GroupedGemm)
        g.ops().stream()
            .filter(o -> o.kind() == OpKind.GROUPED_GEMM)
            .findFirst()
            .orElseThrow()
            .shape();
  }

  @Test
  void moeActivatesOnlyTheExpertsItsTokensReach() {
    ModelSpec mixtral = ModelCatalog.resolve("mixtral-8x7b");
    OpGraph one = TransformerStep.decode(StepConfig.of(mixtral), 1, 1024);
    OpGraph many = TransformerStep.decode(StepConfig.of(mixtral), 64, 1024);
    OpShape.GroupedGemm a = firstGroupedGemm(one);
    OpShape.GroupedGemm b = firstGroupedGemm(many);
    assertThat(a.activeExperts()).isEqualTo(2);
    assertThat(b.activeExperts()).isEqualTo(8);
  }
}
