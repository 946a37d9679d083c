package dev.hwplan.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.model.HfConfigReader;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The planner against measured single-GPU training steps (kernels/cuda/scripts/train_step.py's
 * JSON: Llama-shaped decoder layers in plain PyTorch, forward, backward and AdamW timed apart, peak
 * memory from {@code max_memory_allocated}). Each row runs as one GPU, eager execution,
 * FlashAttention (SDPA's flash backend), PyTorch's for-each AdamW; the step is the layers' forward
 * and backward (plus the re-run forward under full recompute), the head's when the row has a
 * vocabulary, and the optimizer over the row's parameters. Prints each row and the summary.
 */
final class TrainStepComparison {
  /** Mean and worst |error| of step time and of peak memory, and the rows compared. */
  record Summary(int rows, double stepMean, double stepWorst, double memMean, double memWorst) {}

  private TrainStepComparison() {}

  static Summary compare(String file, String profileId, String label) {
    JsonNode d;
    try {
      d = StrictMapper.json().readTree(Path.of(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GpuProfile g = ProfileCatalog.bundled().get(profileId);
    // |error| sums and worsts of step, memory, forward, backward, AdamW
    double[] sum = new double[5];
    double[] worst = new double[5];
    int n = 0;
    for (JsonNode r : d.get("rows")) {
      int vocab = r.get("vocab").asInt();
      ModelSpec m = model(r, vocab);
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
      LayerCost lc = pl.denseLayer(l);
      int layers = r.get("layers").asInt();
      double f = layers * lc.forward();
      double b = layers * (lc.backward() + (rc == Recompute.FULL ? lc.forward() : 0));
      if (vocab > 0) {
        LayerCost h = pl.headCost(l);
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
      double ef = f / r.get("forwardSeconds").asDouble() - 1;
      double eb = b / r.get("backwardSeconds").asDouble() - 1;
      double eo = o / r.get("optimizerSeconds").asDouble() - 1;
      System.out.printf(
          Locale.ROOT,
          "%s %s L%d s%d mb%d %s %s V%d: step %.1f/%.1f ms (%+.1f%%; fwd %+.0f%% bwd %+.0f%% adam"
              + " %+.0f%%), peak %.2f/%.2f GB (%+.1f%%)%n",
          label,
          r.get("model").asText(),
          layers,
          r.get("seqLen").asInt(),
          mb,
          rc.key(),
          p.key(),
          vocab,
          step * 1e3,
          measured * 1e3,
          100 * e,
          100 * ef,
          100 * eb,
          100 * eo,
          mem / 1e9,
          measuredMem / 1e9,
          100 * em);
      double[] errors = {e, em, ef, eb, eo};
      for (int i = 0; i < errors.length; i++) {
        sum[i] += Math.abs(errors[i]);
        worst[i] = Math.max(worst[i], Math.abs(errors[i]));
      }
      n++;
    }
    System.out.printf(
        Locale.ROOT,
        "%s training steps (%d): step time mean |error| %.1f%%, worst %.1f%% (forward %.1f%%,"
            + " backward %.1f%%, AdamW %.1f%%); peak memory mean |error| %.1f%%, worst %.1f%%%n",
        label,
        n,
        100 * sum[0] / n,
        100 * worst[0],
        100 * sum[2] / n,
        100 * sum[3] / n,
        100 * sum[4] / n,
        100 * sum[1] / n,
        100 * worst[1]);
    return new Summary(n, sum[0] / n, worst[0], sum[1] / n, worst[1]);
  }

  /** The row's layers as a Llama model (no tied embeddings; vocabulary 1 without a head). */
  private static ModelSpec model(JsonNode r, int vocab) {
    ObjectNode c = StrictMapper.json().createObjectNode();
    c.put("model_type", "llama");
    c.put("hidden_size", r.get("hidden").asInt());
    c.put("intermediate_size", r.get("ffn").asInt());
    c.put("num_attention_heads", r.get("heads").asInt());
    c.put("num_key_value_heads", r.get("kvHeads").asInt());
    c.put("head_dim", r.get("headDim").asInt());
    c.put("num_hidden_layers", r.get("layers").asInt());
    c.put("vocab_size", Math.max(1, vocab));
    c.put("max_position_embeddings", 131072);
    c.put("tie_word_embeddings", false);
    return HfConfigReader.read(c, r.get("model").asText(), "train-steps.json");
  }
}
