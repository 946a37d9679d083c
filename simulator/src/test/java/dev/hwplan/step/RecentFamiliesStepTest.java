package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpKind;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.calibration.Calibrations;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The step graph of Qwen3, Gemma 3 and gpt-oss: QK-norm, sandwich norms, sliding-window attention
 * in decode and in prefill (causal until the window fills, then a band of exactly the window),
 * attention sinks and clamped expert SwiGLU.
 */
class RecentFamiliesStepTest {
  private static StepConfig config(String id, Execution ex) {
    return new StepConfig(
        ModelCatalog.resolve(id),
        Parallelism.single(),
        WeightDtype.BF16,
        KvDtype.BF16,
        MlaLayout.LATENT,
        ex);
  }

  private static List<Op> named(OpGraph g, String name) {
    return g.ops().stream().filter(o -> o.name().equals(name)).toList();
  }

  private static int layers(List<Op> ops) {
    return ops.stream().mapToInt(Op::count).sum();
  }

  private static double attentionSeconds(StepModel m, StepComposition s) {
    GpuProfile h100 = ProfileCatalog.bundled().get("h100-sxm");
    var times = Calibrations.model(h100, Mode.CALIBRATED);
    return m.graph(s).ops().stream()
        .filter(o -> o.kind() == OpKind.ATTENTION_PREFILL)
        .mapToDouble(o -> times.predict(o).seconds() * o.count())
        .sum();
  }

  @Test
  void windowedPrefillCountsExactlyTheBandsPairs() {
    long[] windows = {1, 2, 3, 128, 1023, 1024};
    long[] tokens = {1, 2, 7, 127, 128, 129, 1000, 4096, 8191};
    long[] prefixes = {0, 1, 100, 1023, 5000};
    for (long w : windows) {
      for (long t : tokens) {
        for (long p : prefixes) {
          long expected = 0;
          for (long j = 0; j < t; j++) {
            expected += Math.min(p + j + 1, w);
          }
          assertThat(TransformerStep.windowPairs(t, p, w))
              .as("w %d t %d p %d", w, t, p)
              .isEqualTo((double) expected);
        }
      }
    }
    // Without a binding window: the causal count.
    assertThat(TransformerStep.windowPairs(500, 300, 1 << 20)).isEqualTo(500 * 300 + 500 * 501 / 2);
  }

  /**
   * Gemma-3-27B prefill of 8,192 tokens: a local layer's queries see min(j + 1, 1,024) keys, 1,024
   * x 1,025 / 2 + 7,168 x 1,024 = 524,800 + 7,340,032 = 7,864,832 pairs, x 32 heads x 2 x (128 +
   * 128) FLOPs, and it reads the chunk's K and V once; a global layer's 8,192 x 8,193 / 2 =
   * 33,558,528.
   */
  @Test
  void gemma3PrefillAttendsOverTheBandOnLocalLayers() {
    OpGraph g = TransformerStep.prefill(config("gemma-3-27b", Execution.FUSED), 1, 8192);
    double local = 0;
    double global = 0;
    int localLayers = 0;
    for (Op o : g.ops()) {
      if (o.kind() == OpKind.ATTENTION_PREFILL) {
        if (o.name().contains("window 1024")) {
          local += o.flops() * o.count();
          localLayers += o.count();
          // The chunk's K and V, read once: 8,192 x 16 heads x 256 x 2 bytes (and written once).
          assertThat(o.bytesWritten()).isEqualTo(8192.0 * 32 * 128 * 2 + 8192.0 * 16 * 256 * 2);
        } else {
          global += o.flops() * o.count();
        }
      }
    }
    assertThat(localLayers).isEqualTo(52);
    assertThat(local).isEqualTo(52 * 7_864_832.0 * 32 * 2 * 256);
    assertThat(global).isEqualTo(10 * 33_558_528.0 * 32 * 2 * 256);
  }

  @Test
  void gemma3DecodeHasQkNormSandwichNormsAndTheWindow() {
    OpGraph g = TransformerStep.decode(config("gemma-3-27b", Execution.FUSED), 4, 131_072);
    assertThat(layers(named(g, "attn.q_norm"))).isEqualTo(62);
    assertThat(layers(named(g, "attn.k_norm"))).isEqualTo(62);
    assertThat(layers(named(g, "attn_post_norm"))).isEqualTo(62);
    assertThat(layers(named(g, "mlp_post_norm"))).isEqualTo(62);
    assertThat(named(g, "embedding_scale")).isEmpty(); // fused into the gather
    List<Op> local = named(g, "attention (window 1024)");
    List<Op> global = named(g, "attention");
    assertThat(layers(local)).isEqualTo(52);
    assertThat(layers(global)).isEqualTo(10);
    // 4 sequences x 16 KV heads x 1,024 tokens x (128 + 128) x 2 bytes, plus q.
    assertThat(local.get(0).bytesRead()).isEqualTo(4.0 * 16 * 1024 * 256 * 2 + 4.0 * 32 * 128 * 2);
    assertThat(global.get(0).bytesRead())
        .isEqualTo(4.0 * 16 * 131_072 * 256 * 2 + 4.0 * 32 * 128 * 2);
    OpGraph eager = TransformerStep.decode(config("gemma-3-27b", Execution.EAGER), 4, 131_072);
    assertThat(named(eager, "embedding_scale")).hasSize(1);
    // Llama has none of these.
    OpGraph llama = TransformerStep.decode(config("llama-3.1-8b", Execution.FUSED), 4, 4096);
    assertThat(named(llama, "attn.q_norm")).isEmpty();
    assertThat(named(llama, "attn_post_norm")).isEmpty();
  }

  /**
   * gpt-oss-120b decode, 8 sequences at 131,072: 18 banded layers attend over 128 tokens, 18 dense
   * over the context; each (sequence, head) row adds a sink term (2 FLOPs) to the 2 x 64 x context
   * x (64 + 64) of the scores and values.
   */
  @Test
  void gptOssDecodeHasTheWindowSinksAndClampedExperts() {
    OpGraph g = TransformerStep.decode(config("gpt-oss-120b", Execution.FUSED), 8, 131_072);
    List<Op> banded = named(g, "attention (window 128)");
    List<Op> dense = named(g, "attention");
    assertThat(layers(banded)).isEqualTo(18);
    assertThat(layers(dense)).isEqualTo(18);
    assertThat(banded.get(0).flops()).isEqualTo(2.0 * 8 * 64 * 128 * 128 + 2.0 * 8 * 64);
    assertThat(dense.get(0).flops()).isEqualTo(2.0 * 8 * 64 * 131_072 * 128 + 2.0 * 8 * 64);
    List<Op> act = named(g, "moe.experts.act");
    assertThat(layers(act)).isEqualTo(36);
    // 8 tokens x 4 experts x 2,880: SiLU-and-mul's 5 FLOPs an element plus the clamps' 4.
    assertThat(act.get(0).flops()).isEqualTo(9.0 * 8 * 4 * 2880);
    assertThat(named(g, "attn.q_norm")).isEmpty();
  }

  /** Calibrated step times: finite, and local layers make Gemma 3's long prefill cheaper. */
  @Test
  void stepTimesForEveryNewModel() {
    GpuProfile h100 = ProfileCatalog.bundled().get("h100-sxm");
    for (String id :
        List.of(
            "qwen3-8b",
            "qwen3-32b",
            "qwen3-30b-a3b",
            "qwen3-235b-a22b",
            "gemma-3-4b",
            "gemma-3-27b",
            "gpt-oss-20b",
            "gpt-oss-120b")) {
      ModelSpec m = ModelCatalog.resolve(id);
      int tp = id.equals("qwen3-235b-a22b") ? 8 : id.equals("gpt-oss-120b") ? 2 : 1;
      StepConfig c = StepConfig.of(m, Parallelism.of(tp, 1));
      StepModel s = new StepModel(c, Calibrations.model(h100, Mode.CALIBRATED));
      double decode = s.seconds(StepComposition.decode(16, 8192));
      double prefill = s.seconds(StepComposition.prefill(1, 8192));
      assertThat(decode).as(id).isPositive().isFinite();
      assertThat(prefill).as(id).isGreaterThan(decode);
    }
    StepModel g =
        new StepModel(
            config("gemma-3-27b", Execution.FUSED), Calibrations.model(h100, Mode.CALIBRATED));
    ModelSpec allGlobal = ModelCatalog.resolve("gemma-3-27b");
    // The same model with every layer global attends over 4x more pairs at 32K.
    StepModel global =
        new StepModel(
            new StepConfig(
                new ModelSpec(
                    allGlobal.id(),
                    allGlobal.source(),
                    allGlobal.modelType(),
                    allGlobal.hiddenSize(),
                    allGlobal.numHiddenLayers(),
                    allGlobal.numAttentionHeads(),
                    allGlobal.numKeyValueHeads(),
                    allGlobal.headDim(),
                    allGlobal.intermediateSize(),
                    allGlobal.vocabSize(),
                    allGlobal.tieWordEmbeddings(),
                    allGlobal.maxPositionEmbeddings(),
                    allGlobal.maxContext(),
                    allGlobal.architecture(),
                    null,
                    null,
                    allGlobal.layers().stream()
                        .map(l -> new dev.hwplan.model.LayerSpec(l.index(), null, false))
                        .toList(),
                    allGlobal.torchDtype(),
                    List.of()),
                Parallelism.single(),
                WeightDtype.BF16,
                KvDtype.BF16,
                MlaLayout.LATENT,
                Execution.FUSED),
            Calibrations.model(h100, Mode.CALIBRATED));
    // At 32K the local layers' band is 1/16 of the causal triangle: attention takes about a fifth
    // of the all-global model's ((10 + 52/16) / 62), the step (linear layers too) less than it.
    StepComposition longPrompt = StepComposition.prefill(1, 32_768);
    assertThat(attentionSeconds(g, longPrompt))
        .isLessThan(0.3 * attentionSeconds(global, longPrompt));
    assertThat(g.seconds(longPrompt)).isLessThan(global.seconds(longPrompt));
  }
}
