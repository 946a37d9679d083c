package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.model.HfConfigReader;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The planner against the 52 training steps measured on the H200
 * (kernels/cuda/results/h200-sxm/train-steps.json, kernels/cuda/scripts/train_step.py: 4 Llama
 * decoder layers of Llama-3.1-8B or Llama-3.2-1B shape in plain PyTorch, AMP or bf16, no or full
 * recompute, sequence 2k/8k, micro-batch 1-4, and 4 runs with an embedding, head and cross-entropy
 * over a 128k vocabulary). The planner runs them as one GPU, eager execution, FlashAttention
 * (SDPA's flash backend), PyTorch's for-each AdamW.
 *
 * <p>These rows are the planner's training data: the eager-only choices (for-each Adam traffic, the
 * SDPA-flash attention scale from the kernel measurements, AMP's weight casts) were made looking at
 * them, so the errors below are in-sample. Printed per row and summarised; pinned as ceilings a
 * little above today's.
 */
class H200TrainStepsTest {
  @Test
  void stepTimesAndPeakMemory() throws IOException {
    JsonNode d =
        StrictMapper.json()
            .readTree(Path.of("../kernels/cuda/results/h200-sxm/train-steps.json").toFile());
    var g = ProfileCatalog.bundled().get("h200-sxm");
    double sumStep = 0;
    double worstStep = 0;
    double sumMem = 0;
    double worstMem = 0;
    double sumF = 0;
    double sumB = 0;
    double sumO = 0;
    int n = 0;
    for (JsonNode r : d.get("rows")) {
      ObjectNode c = StrictMapper.json().createObjectNode();
      c.put("model_type", "llama");
      c.put("hidden_size", r.get("hidden").asInt());
      c.put("intermediate_size", r.get("ffn").asInt());
      c.put("num_attention_heads", r.get("heads").asInt());
      c.put("num_key_value_heads", r.get("kvHeads").asInt());
      c.put("head_dim", r.get("headDim").asInt());
      c.put("num_hidden_layers", r.get("layers").asInt());
      int vocab = r.get("vocab").asInt();
      c.put("vocab_size", Math.max(1, vocab));
      c.put("max_position_embeddings", 131072);
      c.put("tie_word_embeddings", false);
      ModelSpec m = HfConfigReader.read(c, r.get("model").asText(), "train-steps.json");
      Precision p = r.get("precision").asText().equals("amp") ? Precision.AMP : Precision.BF16;
      int mb = r.get("microBatch").asInt();
      TrainingJob job =
          new TrainingJob(
              m, r.get("seqLen").asLong(), mb, p, true, false, false, Execution.EAGER, true);
      TrainingPlanner pl =
          new TrainingPlanner(
              job,
              g,
              ClusterCatalog.get("dgx-h200", "c"),
              1,
              Calibrations.stepModel(StepConfig.of(m), g));
      Recompute rc = r.get("recompute").asText().equals("full") ? Recompute.FULL : Recompute.NONE;
      Layout l = new Layout(1, 1, 1, 1, 1, 1, false, mb, 0, rc, false);
      TrainingPlanner.LayerCost lc = pl.denseLayer(l);
      int layers = r.get("layers").asInt();
      double f = layers * lc.forward();
      double b = layers * (lc.backward() + (rc == Recompute.FULL ? lc.forward() : 0));
      if (vocab > 0) {
        TrainingPlanner.LayerCost h = pl.headCost(l);
        f += h.forward();
        b += h.backward();
      }
      double o = pl.optimizerSeconds(r.get("parameters").asDouble());
      double step = f + b + o;
      double measured = r.get("stepSeconds").asDouble();
      // memory: the planner's allocated peak (without the allocator's overhead) against
      // max_memory_allocated over the step
      TrainingPlan plan = pl.evaluate(l);
      double mem = plan.memory().total() - plan.memory().allocatorBytes();
      double measuredMem = r.get("memory").get("peakStepBytes").asDouble();
      double e = step / measured - 1;
      double em = mem / measuredMem - 1;
      System.out.printf(
          Locale.ROOT,
          "H200 %s s%d mb%d %s %s V%d: step %.1f/%.1f ms (%+.1f%%; fwd %+.0f%% bwd %+.0f%% adam"
              + " %+.0f%%), peak %.2f/%.2f GB (%+.1f%%)%n",
          r.get("model").asText(),
          r.get("seqLen").asInt(),
          mb,
          rc.key(),
          p.key(),
          vocab,
          step * 1e3,
          measured * 1e3,
          100 * e,
          100 * (f / r.get("forwardSeconds").asDouble() - 1),
          100 * (b / r.get("backwardSeconds").asDouble() - 1),
          100 * (o / r.get("optimizerSeconds").asDouble() - 1),
          mem / 1e9,
          measuredMem / 1e9,
          100 * em);
      sumStep += Math.abs(e);
      worstStep = Math.max(worstStep, Math.abs(e));
      sumMem += Math.abs(em);
      worstMem = Math.max(worstMem, Math.abs(em));
      sumF += Math.abs(f / r.get("forwardSeconds").asDouble() - 1);
      sumB += Math.abs(b / r.get("backwardSeconds").asDouble() - 1);
      sumO += Math.abs(o / r.get("optimizerSeconds").asDouble() - 1);
      n++;
    }
    System.out.printf(
        Locale.ROOT,
        "H200 training steps (%d): step time mean |error| %.1f%%, worst %.1f%% (forward %.1f%%,"
            + " backward %.1f%%, AdamW %.1f%%); peak memory mean |error| %.1f%%, worst %.1f%%%n",
        n,
        100 * sumStep / n,
        100 * worstStep,
        100 * sumF / n,
        100 * sumB / n,
        100 * sumO / n,
        100 * sumMem / n,
        100 * worstMem);
    assertThat(n).isEqualTo(52);
    assertThat(sumStep / n).isLessThan(STEP_MEAN_CEILING);
    assertThat(worstStep).isLessThan(STEP_WORST_CEILING);
    assertThat(sumMem / n).isLessThan(MEM_MEAN_CEILING);
    assertThat(worstMem).isLessThan(MEM_WORST_CEILING);
  }

  // today's (when written): step 14.1% mean, 56.8% worst (Llama-3.2-1B layers, 2k tokens, full
  // recompute: plain PyTorch's per-op CPU overhead, not modelled); peak memory 8.4%, 21.4%
  static final double STEP_MEAN_CEILING = 0.15;
  static final double STEP_WORST_CEILING = 0.60;
  static final double MEM_MEAN_CEILING = 0.09;
  static final double MEM_WORST_CEILING = 0.22;
}
