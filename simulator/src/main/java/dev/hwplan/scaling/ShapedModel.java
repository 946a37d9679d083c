package dev.hwplan.scaling;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.HfConfigReader;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import java.util.Locale;

/**
 * A concrete architecture for a parameter count that a scaling law asks for, so that the
 * compute-optimal N can be handed to the training planner: "budget → model → layout → days".
 *
 * <p>The shape is Llama 3's (Meta, The Llama 3 Herd of Models, 2024, Table 3; the reference code
 * meta-llama/llama-models): head dimension 128, 8 key/value heads (GQA), SwiGLU with feed-forward
 * width {@code roundUp(1.3 · 8d/3, 1024)} (the 8B and 70B's {@code ffn_dim_multiplier 1.3}, {@code
 * multiple_of 1024}: 14,336 for d = 4,096, 28,672 for d = 8,192), RMSNorm, untied embeddings over a
 * 128,256-token vocabulary. The width d is a multiple of 1,024 (so the heads, d/128, divide by 8
 * and tensor parallelism up to 8 applies); the depth L is the whole number of layers that brings
 * the total parameter count nearest N; of the widths, the one whose aspect ratio d/L is nearest 128
 * is taken (Llama 3: 4,096/32 = 128, 8,192/80 = 102, 16,384/126 = 130; Kaplan et al. 2020, Fig. 5:
 * the loss is flat within a few percent over d/L from about 20 to 200). N counts every parameter,
 * embeddings included, as {@link ModelFlops} and Hoffmann et al. 2022 do.
 */
public final class ShapedModel {
  /** Llama 3's vocabulary (the HF configs' {@code vocab_size}). */
  public static final int VOCAB = 128_256;

  /** The aspect ratio d/L aimed at. */
  public static final double ASPECT = 128;

  private static final int HEAD_DIM = 128;
  private static final int KV_HEADS = 8;
  private static final int WIDTH_STEP = 1024;
  private static final int MAX_WIDTH = 65_536;

  private ShapedModel() {}

  /** Feed-forward width for model width {@code d}: {@code roundUp(1.3 · 8d/3, 1024)}. */
  public static int ffn(int d) {
    long h = (long) (1.3 * (long) (2 * 4 * d / 3));
    return (int) ((h + 1023) / 1024 * 1024);
  }

  /** Parameters of one layer of width {@code d}: attention, SwiGLU MLP and two RMSNorms. */
  static double layerParams(int d) {
    int heads = d / HEAD_DIM;
    int kv = Math.min(KV_HEADS, heads);
    double attention = 2.0 * d * d + 2.0 * d * kv * HEAD_DIM;
    return attention + 3.0 * d * ffn(d) + 2.0 * d;
  }

  /** Parameters outside the layers: input embedding, output head, final norm. */
  static double outerParams(int d) {
    return 2.0 * VOCAB * d + d;
  }

  /**
   * The Llama-3-shaped model nearest {@code params} parameters, with a context of {@code context}
   * tokens; its id says its size ({@code llama3-shaped-12.3B}).
   *
   * @throws InvalidInputException naming {@code flag} when N is below the smallest such model
   */
  public static ModelSpec forParams(double params, long context, String flag) {
    int bestD = 0;
    int bestL = 0;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int d = WIDTH_STEP; d <= MAX_WIDTH; d += WIDTH_STEP) {
      long l = Math.round((params - outerParams(d)) / layerParams(d));
      if (l < 2) {
        continue;
      }
      double score = Math.abs(Math.log(d / (double) l / ASPECT));
      if (score < bestScore) {
        bestScore = score;
        bestD = d;
        bestL = (int) l;
      }
    }
    if (bestD == 0) {
      throw InvalidInputException.option(
          flag,
          String.format(
              Locale.ROOT,
              "the compute-optimal model has %.3g parameters, below the smallest Llama-3-shaped"
                  + " model (width 1024, 2 layers: %.3g)",
              params,
              outerParams(WIDTH_STEP) + 2 * layerParams(WIDTH_STEP)));
    }
    return build(bestD, bestL, context);
  }

  /** The Llama-3-shaped model of width {@code d} and {@code layers} layers. */
  public static ModelSpec build(int d, int layers, long context) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.put("model_type", "llama");
    c.put("hidden_size", d);
    c.put("intermediate_size", ffn(d));
    c.put("num_hidden_layers", layers);
    c.put("num_attention_heads", d / HEAD_DIM);
    c.put("num_key_value_heads", Math.min(KV_HEADS, d / HEAD_DIM));
    c.put("vocab_size", VOCAB);
    c.put("max_position_embeddings", context);
    c.put("hidden_act", "silu");
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 500000.0);
    c.put("tie_word_embeddings", false);
    c.put("torch_dtype", "bfloat16");
    double n = outerParams(d) + layers * layerParams(d);
    String id = String.format(Locale.ROOT, "llama3-shaped-%.1fB", n / 1e9);
    ModelSpec m = HfConfigReader.read(c, id, "ShapedModel(d=" + d + ", L=" + layers + ")");
    long counted = ParameterCounter.count(m).total();
    if (Math.abs(counted - n) > 1e-6 * n) {
      throw new IllegalStateException(
          "ShapedModel's count " + n + " disagrees with ParameterCounter's " + counted);
    }
    return m;
  }
}
