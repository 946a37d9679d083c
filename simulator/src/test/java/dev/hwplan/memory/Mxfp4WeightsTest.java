package dev.hwplan.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.TransformerStep;
import org.junit.jupiter.api.Test;

/**
 * {@code --weights-dtype mxfp4}: gpt-oss's released checkpoints, routed experts in MXFP4 (4.25 bits
 * a weight: 4-bit e2m1 plus one 8-bit scale per 32), everything else bf16.
 */
class Mxfp4WeightsTest {
  /**
   * gpt-oss-120b: 36 x 128 x 3 x 2,880^2 = 114,661,785,600 expert weights x 17/32 bytes =
   * 60,914,073,600 B; the other 116,829,156,672 - 114,661,785,600 = 2,167,371,072 parameters
   * (attention, sinks, expert biases, routers, norms, embedding, head) x 2 B = 4,334,742,144 B.
   * 65,248,815,744 B = 60.77 GiB; the model card (arXiv:2508.10925, Table 1): checkpoint 60.8 GiB.
   * gpt-oss-20b: 24 x 32 x 3 x 2,880^2 = 19,110,297,600 x 17/32 = 10,152,345,600 B plus
   * (20,914,757,184 - 19,110,297,600) x 2 = 3,608,919,168 B: 13,761,264,768 B = 12.82 GiB (card:
   * 12.8 GiB).
   */
  @Test
  void gptOssCheckpointSizes() {
    ModelSpec big = ModelCatalog.resolve("gpt-oss-120b");
    assertThat(ParameterCounter.routedExpertBiasParams(big))
        .isEqualTo(36L * 128 * (2 * 2880 + 2880));
    long b120 =
        InferenceMemoryCalculator.weightBytesPerGpu(big, Parallelism.single(), WeightDtype.MXFP4);
    assertThat(b120).isEqualTo(65_248_815_744L);
    assertThat(b120 / (double) (1L << 30)).isBetween(60.75, 60.85);
    long b20 =
        InferenceMemoryCalculator.weightBytesPerGpu(
            ModelCatalog.resolve("gpt-oss-20b"), Parallelism.single(), WeightDtype.MXFP4);
    assertThat(b20).isEqualTo(13_761_264_768L);
    // With TP 2 every rank holds half of the experts and the other matrices, and half the vocab.
    long tp2 =
        InferenceMemoryCalculator.weightBytesPerGpu(big, Parallelism.of(2, 1), WeightDtype.MXFP4);
    assertThat(tp2).isBetween(b120 / 2, b120 / 2 + 30_000_000L);
  }

  @Test
  void theStepReadsExpertsInMxfp4AndTheRestInBf16() {
    StepConfig c =
        StepConfig.of(
            ModelCatalog.resolve("gpt-oss-120b"),
            Parallelism.single(),
            WeightDtype.MXFP4,
            MlaLayout.LATENT);
    assertThat(c.weightBytes(2880)).isEqualTo(2.0);
    assertThat(c.expertWeightBytes(2880)).isEqualTo(0.5 + 1.0 / 32);
    OpGraph g = TransformerStep.decode(c, 1, 4096);
    Op qkv = g.ops().stream().filter(o -> o.name().equals("attn.qkv_proj")).findFirst().get();
    // 1 token: 2,880 x 5,120 bf16 weights (and 2 B activations in, out).
    assertThat(qkv.bytesRead()).isEqualTo(2880.0 * 2 + 2880.0 * 5120 * 2);
    Op up =
        g.ops().stream().filter(o -> o.name().equals("moe.experts.gate_up_proj")).findFirst().get();
    // One token routed to 4 experts: 4 x 5,760 x 2,880 weights at 17/32 B.
    assertThat(up.bytesRead()).isEqualTo(4 * 2880.0 * 2 + 4.0 * 5760 * 2880 * 17 / 32);
  }

  @Test
  void aModelWithoutRoutedExpertsIsRefused() {
    assertThatThrownBy(
            () ->
                InferenceMemoryCalculator.weightBytesPerGpu(
                    ModelCatalog.resolve("llama-3.1-8b"), Parallelism.single(), WeightDtype.MXFP4))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "command line: field '--weights-dtype': mxfp4 stores the routed experts only, and"
                + " llama-3.1-8b has none");
    assertThat(WeightDtype.parse("MXFP4", "--weights-dtype")).isSameAs(WeightDtype.MXFP4);
  }
}
