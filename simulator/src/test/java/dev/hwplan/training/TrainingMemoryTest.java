package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import org.junit.jupiter.api.Test;

/**
 * The memory model pinned to hand computation and to Korthikanti et al. 2022 (Figure 1 and the
 * closed forms of section 4), whose figures are in training/published.json with their source.
 */
class TrainingMemoryTest {
  private static final double GIB = 1L << 30;

  /** Korthikanti's GPT-3 175B layer: h 12288, a 96, s 2048, b 1, t 8 (section 4, Table 2). */
  @Test
  void gptLayerFollowsKorthikantisClosedForms() {
    ModelSpec m = PublishedRuns.model("gpt3-175b");
    double s = 2048;
    double h = 12288;
    double a = 96;
    double t = 8;
    double sbh = s * h;
    var p = Precision.BF16_FP32_MASTER;
    var ex = Execution.FUSED;
    // no parallelism: sbh(34 + 5as/h)
    assertThat(
            ActivationMemory.layerBytes(
                m, 1, 2048, 1, 1, false, false, Recompute.NONE, false, true, p, ex))
        .isCloseTo(sbh * (34 + 5 * a * s / h), within(1e-3));
    // tensor parallel: sbh(10 + 24/t + 5as/(ht))
    assertThat(
            ActivationMemory.layerBytes(
                m, 1, 2048, 8, 1, false, false, Recompute.NONE, false, true, p, ex))
        .isCloseTo(sbh * (10 + 24 / t + 5 * a * s / (h * t)), within(1e-3));
    // tensor + sequence parallel: sbh/t (34 + 5as/h)
    assertThat(
            ActivationMemory.layerBytes(
                m, 1, 2048, 8, 1, true, false, Recompute.NONE, false, true, p, ex))
        .isCloseTo(sbh / t * (34 + 5 * a * s / h), within(1e-3));
    // tensor parallel + selective recompute: sbh(10 + 24/t)
    assertThat(
            ActivationMemory.layerBytes(
                m, 1, 2048, 8, 1, false, false, Recompute.SELECTIVE, false, true, p, ex))
        .isCloseTo(sbh * (10 + 24 / t), within(1e-3));
    // tensor + sequence parallel + selective: 34 sbh / t
    assertThat(
            ActivationMemory.layerBytes(
                m, 1, 2048, 8, 1, true, false, Recompute.SELECTIVE, false, true, p, ex))
        .isCloseTo(34 * sbh / t, within(1e-3));
    // full recompute keeps the layer input: 2sbh (/t with SP)
    assertThat(ActivationMemory.checkpointBytes(m, 1, 2048, 8, 1, false)).isEqualTo(2 * sbh);
    assertThat(ActivationMemory.checkpointBytes(m, 1, 2048, 8, 1, true)).isEqualTo(2 * sbh / 8);
  }

  /**
   * Llama-3.1-8B at 8k tokens, one GPU, FlashAttention, no dropout, by hand (bytes per token): norm
   * inputs 2 x 2h, the QKV and MLP inputs 2 x 2h, Q 2 n_h d_h = 8192, K and V 4 n_kv d_h = 4096,
   * the o-projection input 8192, the log-sum-exp 4 n_h = 128, the SwiGLU input 4 ff = 57344 and the
   * down projection's input 2 ff = 28672: 139,392 bytes a token.
   */
  @Test
  void llamaLayerByHand() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    double perToken = 8 * 4096 + 8192 + 4096 + 8192 + 128 + 4 * 14336 + 2 * 14336;
    assertThat(perToken).isEqualTo(139_392);
    assertThat(llama8kLayer(m, Precision.BF16_FP32_MASTER, Execution.FUSED))
        .isEqualTo(8192 * perToken);
    // eager PyTorch adds the norms' fp32 copies (8h each) and SiLU's output (2 ff)
    assertThat(llama8kLayer(m, Precision.BF16, Execution.EAGER))
        .isEqualTo(8192 * (perToken + 16 * 4096 + 2 * 14336));
  }

  /** One layer's activations at 8k tokens, micro-batch 1, one GPU, FlashAttention, no dropout. */
  private static double llama8kLayer(ModelSpec m, Precision p, Execution ex) {
    return ActivationMemory.layerBytes(
        m, 1, 8192, 1, 1, false, false, Recompute.NONE, true, false, p, ex);
  }

  @Test
  void modelStatesPerPrecisionAndZeroStage() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    long n = ParameterCounter.count(m).total();
    assertThat(n).isEqualTo(8_030_261_248L);
    Layout one = new Layout(1, 1, 1, 1, 1, 1, false, 1, 0, Recompute.NONE, false);
    assertThat(ModelCopy.trainable(m, Precision.AMP, one).params(0).total()).isEqualTo((double) n);
    assertThat(ModelCopy.trainable(m, Precision.AMP, one).bytes(0).total()).isEqualTo(16.0 * n);
    assertThat(ModelCopy.trainable(m, Precision.MIXED, one).bytes(0).total()).isEqualTo(16.0 * n);
    assertThat(ModelCopy.trainable(m, Precision.BF16_FP32_MASTER, one).bytes(0).total())
        .isEqualTo(18.0 * n);
    assertThat(ModelCopy.trainable(m, Precision.BF16, one).bytes(0).total()).isEqualTo(8.0 * n);
    // ZeRO over 8 data-parallel GPUs, Megatron's bf16 + fp32 master: 1 shards the optimizer
    // (2 + 4 + 12/8), 2 also the gradients (2 + (4 + 12)/8), 3 everything (18/8)
    for (int[] z : new int[][] {{1, 0}, {2, 0}, {3, 0}}) {
      Layout l = new Layout(1, 1, 8, 1, 1, 1, false, 1, z[0], Recompute.NONE, false);
      double perParam =
          switch (z[0]) {
            case 1 -> 2 + 4 + 12 / 8.0;
            case 2 -> 2 + (4 + 12) / 8.0;
            default -> 18 / 8.0;
          };
      assertThat(ModelCopy.trainable(m, Precision.BF16_FP32_MASTER, l).bytes(0).total())
          .isCloseTo(perParam * n, within(1.0));
    }
    // offload keeps no optimizer state on the GPU
    Layout off = new Layout(1, 1, 8, 1, 1, 1, false, 1, 1, Recompute.NONE, true);
    assertThat(ModelCopy.trainable(m, Precision.BF16_FP32_MASTER, off).bytes(0).optimizer())
        .isZero();
    // a frozen bf16 copy over TP 2: its weights alone, 2 bytes a parameter
    ModelCopy frozen = ModelCopy.frozen(m, 2, 2, 1);
    assertThat(frozen.bytes(0).total()).isEqualTo(frozen.params(0).total() * 2);
    assertThat(frozen.bytes(0).gradients()).isZero();
  }

  @Test
  void pipelineStagesSplitTheLayersEvenly() {
    // 126 layers on 64 stages: 62 stages of 2 and 2 of 1, the first stage holds 1
    int total = 0;
    int max = 0;
    for (int k = 0; k < 64; k++) {
      int n = ModelCopy.firstLayer(126, 64, k + 1) - ModelCopy.firstLayer(126, 64, k);
      assertThat(n).isBetween(1, 2);
      total += n;
      max = Math.max(max, n);
    }
    assertThat(total).isEqualTo(126);
    assertThat(ModelCopy.firstLayer(126, 64, 1)).isEqualTo(1);
    assertThat(ModelCopy.firstLayer(126, 64, 64)).isEqualTo(126);
  }

  /**
   * Interleaved 1F1B holds, on the first stage, 2(p-1) + (v-1)p + 1 model chunks of n/v layers at
   * its peak (Megatron-LM's warm-up, {@code get_pp_rank_microbatches}): (1 + (p-1)/(p v)) times the
   * 1F1B amount when the step has at least 2p micro-batches (Korthikanti et al. 2022, section
   * 4.2.3), and never more than the step's own micro-batches: with m = p the warm-up takes every
   * chunk, p micro-batches, as many as 1F1B holds. (The cap was applied before the factor, so m = p
   * counted 1 + (p-1)/(p v) times too many: Meta's Llama 3 layout, p = 16 and m = 16, came out 23%
   * heavier than its schedule.)
   */
  @Test
  void interleavedInFlightNeverExceedsTheStepsMicroBatches() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    var h100 = ProfileCatalog.bundled().get("h100-sxm");
    int pp = 4;
    double[] act = new double[4];
    int i = 0;
    for (long mbs : new long[] {pp, 2L * pp}) {
      var pl = planner(m, mbs, h100, "dgx-h100", pp);
      for (int vpp : new int[] {1, 2}) {
        Layout l = new Layout(1, pp, 1, 1, 1, vpp, false, 1, 0, Recompute.NONE, false);
        act[i++] = pl.memory(l, mbs).activationBytes();
      }
    }
    // m = p: interleaving holds what 1F1B holds, p micro-batches
    assertThat(act[1]).isCloseTo(act[0], within(act[0] * 1e-12));
    // m = 2p: (1 + (p-1)/(p v)) = 1 + 3/8 times 1F1B's p
    assertThat(act[3] / act[2]).isCloseTo(1 + 3.0 / 8, within(1e-12));
    assertThat(act[2]).isCloseTo(act[0], within(act[0] * 1e-12));
  }

  /**
   * Korthikanti et al. 2022 Figure 1: activation memory per GPU without recompute (TP only) and
   * with sequence parallelism + selective recompute, for the four models of their Table 3 in their
   * layouts (first pipeline stage, 1F1B or interleaved in-flight micro-batches). The figure is
   * their formula, which the model reproduces to rounding; the parameters + optimizer bar is 18
   * bytes a parameter of the layers, within 0.2% (+0.05%, +0.02%, +0.01%, +0.01%: the layers'
   * biases and norms; printed).
   */
  @Test
  void korthikantiFigure1() {
    JsonNode d = PublishedRuns.data();
    var a100 = ProfileCatalog.bundled().get("a100-sxm-80gb");
    for (JsonNode row : d.path("korthikantiFigure1").path("rows")) {
      String id = row.get("model").asText();
      JsonNode t5 = null;
      for (JsonNode r : d.path("korthikantiTable5").path("rows")) {
        if (r.get("model").asText().equals(id)) {
          t5 = r;
        }
      }
      ModelSpec m = PublishedRuns.model(id);
      var pl = planner(m, t5.get("globalBatch").asLong(), a100, "dgx-a100", t5.get("gpus").asInt());
      int tp = t5.get("tp").asInt();
      int pp = t5.get("pp").asInt();
      int mb = t5.get("microBatch").asInt();
      long mbs = t5.get("globalBatch").asLong() / mb;
      Layout none =
          new Layout(
              tp, pp, 1, 1, 1, t5.get("vppFull").asInt(), false, mb, 0, Recompute.NONE, false);
      Layout seqsel =
          new Layout(
              tp,
              pp,
              1,
              1,
              1,
              t5.get("vppSeqsel").asInt(),
              true,
              mb,
              0,
              Recompute.SELECTIVE,
              false);
      var memNone = pl.memory(none, mbs);
      var memSel = pl.memory(seqsel, mbs);
      assertThat(memNone.stage()).isZero();
      assertThat(memNone.activationBytes() / GIB)
          .as(id + " activations, no recompute")
          .isCloseTo(row.get("activationsNoneGiB").asDouble(), within(1e-6));
      assertThat(memSel.activationBytes() / GIB)
          .as(id + " activations, SP + selective")
          .isCloseTo(row.get("activationsSeqselGiB").asDouble(), within(1e-6));
      // the figure's bar is the transformer layers' 18 bytes a parameter (the first stage's
      // embedding is not in it: 22B and 175B, with the same layer parameters a GPU, have equal
      // bars)
      double embedding = dev.hwplan.model.ParameterCounter.count(m).embedding() / (double) tp;
      double states =
          (memNone.weightBytes()
                  + memNone.gradientBytes()
                  + memNone.optimizerBytes()
                  - 18 * embedding)
              / GIB;
      double published = row.get("parametersOptimizerGiB").asDouble();
      System.out.printf(
          java.util.Locale.ROOT,
          "Korthikanti Figure 1 %s: parameters + optimizer %.3f GiB, published %.3f (%+.2f%%)%n",
          id,
          states,
          published,
          100 * (states / published - 1));
      assertThat(Math.abs(states / published - 1))
          .as(id + " parameters + optimizer")
          .isLessThan(0.002);
    }
  }

  /**
   * A planner of {@code m} at 2,048-token sequences and {@code globalBatch} sequences, Megatron's
   * bf16 with fp32 master weights, on {@code gpus} GPUs of {@code cluster}.
   */
  private static TrainingPlanner planner(
      ModelSpec m, long globalBatch, GpuProfile gpu, String cluster, int gpus) {
    TrainingJob job =
        new TrainingJob(
            m,
            2048,
            globalBatch,
            Precision.BF16_FP32_MASTER,
            false,
            true,
            false,
            Execution.FUSED,
            true);
    return new TrainingPlanner(
        job,
        gpu,
        ClusterCatalog.get(cluster, "c"),
        gpus,
        Calibrations.stepModel(StepConfig.of(m), gpu));
  }

  /**
   * DeepSeek-V3's first three layers are dense: at PP 32 (61 layers, 1 or 2 a stage) stages 0 and 1
   * hold dense layers only and stage 2 is the first with MoE layers, two of them, with more
   * micro-batches in flight than any later stage of two MoE layers. It is checked with the first,
   * the last and the second (a new user's audit found the plan ranked first not fitting there).
   */
  @Test
  void theEarliestStageWithTheMostMoeLayersIsChecked() {
    StageParams p = new StageParams(ModelCatalog.resolve("deepseek-v3"));
    assertThat(p.stageMoeLayers(0, 32)).isZero();
    assertThat(p.stageMoeLayers(1, 32)).isZero();
    assertThat(p.stageMoeLayers(2, 32)).isEqualTo(2);
    assertThat(p.candidateStages(32)).containsExactly(0, 31, 1, 2);
    // a model whose layers are all alike keeps the three (Llama-3.1-70B, 80 layers over PP 6)
    StageParams dense = new StageParams(ModelCatalog.resolve("llama-3.1-70b"));
    assertThat(dense.candidateStages(6)).containsExactly(0, 5, 1);
    assertThat(dense.candidateStages(8)).containsExactly(0, 7);
  }
}
