package dev.hwplan.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.HfConfigReader.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * Readers for the 2025 families: Qwen3 and Qwen3-MoE, Gemma 3 and gpt-oss. Each applies the keys
 * and defaults of its transformers configuration class ({@code Qwen3Config}, {@code
 * Qwen3MoeConfig}, {@code Gemma3TextConfig}, {@code GptOssConfig}) and checks the fields against
 * each other, naming the file and the field.
 */
final class RecentFamilies {
  private RecentFamilies() {}

  static final String SLIDING = "sliding_attention";
  static final String FULL = "full_attention";

  /**
   * Qwen3 and Qwen3-MoE: Llama's layout without q/k/v biases, with QK-norm, {@code head_dim}
   * independent of {@code hidden_size / num_attention_heads}, and for MoE routed experts only (no
   * shared expert) on the layers that {@code decoder_sparse_step} and {@code mlp_only_layers}
   * choose (transformers Qwen3MoeDecoderLayer: layer i is sparse when it is not in mlp_only_layers,
   * num_experts is positive and (i + 1) is a multiple of decoder_sparse_step).
   */
  static ModelSpec qwen3(Config c, String id, String type) {
    int hidden = c.size("hidden_size");
    int heads = c.size("num_attention_heads");
    int n = c.size("num_hidden_layers");
    int kv = c.sizeOr(heads, "num_key_value_heads");
    int headDim = Families.headDim(c, hidden, heads);
    Families.rotary(c, headDim, "head_dim");
    boolean bias = c.bool("attention_bias", false);
    List<String> notes = new ArrayList<>();
    notes.add(
        type
            + ": RMSNorm over head_dim "
            + headDim
            + " on queries and keys (q_norm, k_norm) before RoPE; attention width "
            + heads * headDim
            + (heads * headDim != hidden ? " is not hidden_size " + hidden : ""));
    MoeSpec moe = null;
    boolean[] sparse = new boolean[n];
    if (type.equals("qwen3_moe")) {
      int experts = c.countOr(128, "num_experts");
      if (experts > 0) {
        moe =
            Families.experts(
                c,
                "num_experts",
                MoeSpec.routed(
                    experts,
                    c.sizeOr(8, "num_experts_per_tok"),
                    c.size("moe_intermediate_size"),
                    false),
                n);
        int step = c.sizeOr(1, "decoder_sparse_step");
        boolean[] dense = layerSet(c, "mlp_only_layers", n);
        int count = 0;
        for (int i = 0; i < n; i++) {
          sparse[i] = !dense[i] && (i + 1) % step == 0;
          count += sparse[i] ? 1 : 0;
        }
        if (count == 0) {
          String field = step > n ? "decoder_sparse_step" : "mlp_only_layers";
          throw new InvalidInputException(
              c.source,
              c.name(field),
              "leaves none of the "
                  + n
                  + " layers an MoE layer, yet num_experts is "
                  + experts
                  + " (give num_experts 0 for a dense model)");
        }
        notes.add(
            String.format(
                Locale.ROOT,
                "qwen3_moe: %d of %d layers route to %d of %d experts (no shared expert)%s",
                count,
                n,
                moe.numExpertsPerTok(),
                experts,
                c.bool("norm_topk_prob", false)
                    ? "; norm_topk_prob: the top-k weights are renormalised to sum to 1"
                    : ""));
      }
    }
    // Qwen3Config.layer_types: sliding only with use_sliding_window, and then only at or above
    // max_window_layers; an explicit layer_types wins.
    Integer window = c.optSize("sliding_window");
    boolean use = c.bool("use_sliding_window", false);
    int maxWindowLayers = c.countOr(n, "max_window_layers");
    List<LayerSpec> layers =
        layers(c, n, window, i -> use && window != null && i >= maxWindowLayers, i -> sparse[i]);
    if (!use && window != null && !c.has("layer_types")) {
      notes.add("sliding_window " + window + " ignored: use_sliding_window is false");
    }
    Integer maxPositions = c.optSize("max_position_embeddings");
    return new SpecBuilder(c, id, type)
        .sizes(hidden, n, heads, kv, headDim, c.size("intermediate_size"))
        .positions(maxPositions)
        .build(
            new Architecture(
                true, true, 2, bias, bias, false, false, false, false, true, false, false, false),
            moe,
            null,
            layers,
            notes);
  }

  /**
   * Gemma 3 ({@code gemma3}, whose text model is its {@code text_config}, or {@code gemma3_text}):
   * GeGLU, four RMSNorms a layer (pre and post, around attention and MLP), QK-norm, the embedding
   * scaled by sqrt(hidden_size) and tied to the output head, and 5 local layers (a sliding window
   * of 1,024) for every global one: layer i is global when (i + 1) is a multiple of {@code
   * sliding_window_pattern} (6), unless {@code layer_types} says otherwise (Gemma 3 technical
   * report, arXiv:2503.19786, section 2; transformers Gemma3TextConfig). Keys the config leaves out
   * take Gemma3TextConfig's defaults. The vision tower of the multimodal checkpoints is not read.
   */
  static ModelSpec gemma3(Config top, String id, String type) {
    Config c = type.equals("gemma3") ? top.nested("text_config") : top;
    int hidden = c.size("hidden_size");
    int n = c.size("num_hidden_layers");
    int heads = c.sizeOr(8, "num_attention_heads");
    int kv = c.sizeOr(4, "num_key_value_heads");
    int headDim = c.sizeOr(256, "head_dim");
    Families.rotary(c, headDim, "head_dim");
    if (heads % kv != 0) {
      throw new InvalidInputException(
          c.source,
          c.name("num_key_value_heads"),
          "num_attention_heads " + heads + " is not divisible by num_key_value_heads " + kv);
    }
    int window = c.sizeOr(4096, "sliding_window");
    int pattern = c.sizeOr(6, "sliding_window_pattern");
    List<LayerSpec> layers = layers(c, n, window, i -> (i + 1) % pattern != 0, i -> false);
    int maxPositions = c.sizeOr(131_072, "max_position_embeddings");
    // Gemma 3's linear rope_scaling (factor 8 on the global layers) is how it reached 128K from
    // 32K: max_position_embeddings already is the scaled length. The scaling is checked, not used.
    Families.maxContext(c, maxPositions);
    boolean bias = c.bool("attention_bias", false);
    List<String> notes = new ArrayList<>();
    notes.add(
        slidingNote("gemma3", layers, window)
            + String.format(
                Locale.ROOT,
                ", %d are global; QK-norm, four RMSNorms a layer, embedding scaled by sqrt(%d)",
                n - sliding(layers),
                hidden));
    if (type.equals("gemma3")) {
      notes.add("gemma3: the text model of a multimodal config (text_config); vision not counted");
    }
    return new SpecBuilder(c, id, type)
        .sizes(hidden, n, heads, kv, headDim, c.size("intermediate_size"))
        .vocabDefault(262_208)
        .tiedByDefault()
        .nestedIn(top)
        .positions(maxPositions, maxPositions)
        .build(
            new Architecture(
                true, true, 4, bias, bias, false, false, false, false, true, false, true, false),
            null,
            null,
            layers,
            notes);
  }

  /**
   * gpt-oss: every layer an MoE of {@code num_local_experts} SwiGLU experts (clamped at {@code
   * swiglu_limit}) with biases, top-k routing through a router with a bias, attention with biases
   * and a learned sink logit per head, and banded (sliding-window) attention on alternate layers
   * from the first ({@code layer_types}; gpt-oss model card, arXiv:2508.10925, section 2). Keys the
   * config leaves out take GptOssConfig's defaults.
   */
  static ModelSpec gptOss(Config c, String id) {
    int hidden = c.sizeOr(2880, "hidden_size");
    int n = c.sizeOr(36, "num_hidden_layers");
    int heads = c.sizeOr(64, "num_attention_heads");
    int kv = c.sizeOr(8, "num_key_value_heads");
    int headDim = c.sizeOr(64, "head_dim");
    Families.rotary(c, headDim, "head_dim");
    int experts = c.sizeOr(128, "num_local_experts");
    int topK = c.sizeOr(4, "num_experts_per_tok");
    int ff = c.sizeOr(2880, "intermediate_size");
    MoeSpec moe =
        Families.experts(c, "num_local_experts", MoeSpec.routed(experts, topK, ff, true), n);
    Integer legacyTopK = c.optSize("experts_per_token");
    if (legacyTopK != null && legacyTopK != topK) {
      throw new InvalidInputException(
          c.source,
          c.name("experts_per_token"),
          legacyTopK + " contradicts num_experts_per_tok " + topK + " (the same count)");
    }
    JsonNode limit = c.root.get("swiglu_limit");
    if (limit != null
        && !limit.isNull()
        && !(limit.isNumber() && limit.asDouble() > 0 && Double.isFinite(limit.asDouble()))) {
      throw new InvalidInputException(
          c.source, c.name("swiglu_limit"), "must be a positive number, got " + limit);
    }
    int window = c.sizeOr(128, "sliding_window");
    List<LayerSpec> layers = layers(c, n, window, i -> (i + 1) % 2 != 0, i -> true);
    boolean bias = c.bool("attention_bias", true);
    List<String> notes = new ArrayList<>();
    notes.add(
        slidingNote("gpt_oss", layers, window)
            + String.format(
                Locale.ROOT,
                "; a learned sink logit per head; %d experts, top-%d, with biases; SwiGLU clamped"
                    + " at %s",
                experts,
                topK,
                limit == null || limit.isNull() ? "7.0" : limit.asText()));
    JsonNode q = c.root.get("quantization_config");
    if (q != null && q.isObject() && q.has("quant_method")) {
      notes.add(
          "quantization_config.quant_method "
              + q.get("quant_method").asText()
              + ": the released checkpoint stores the experts so (MXFP4: 4.25 bits a weight);"
              + " counts are parameters, --weights-dtype sets the bytes");
    }
    Integer maxPositions = c.sizeOr(131_072, "max_position_embeddings");
    return new SpecBuilder(c, id, "gpt_oss")
        .sizes(hidden, n, heads, kv, headDim, ff)
        .vocabDefault(201_088)
        .positions(maxPositions)
        .build(
            new Architecture(
                true, true, 2, bias, bias, true, false, false, false, false, true, false, true),
            moe,
            null,
            layers,
            notes);
  }

  /**
   * Which layers use a sliding window: {@code layer_types} when the config gives it (one entry a
   * layer, each {@code sliding_attention} or {@code full_attention}), else {@code dflt}. A sliding
   * layer needs a window.
   */
  static boolean[] layerTypes(Config c, int n, Integer window, boolean[] dflt) {
    JsonNode types = c.root.get("layer_types");
    if (types == null || types.isNull()) {
      return dflt;
    }
    String field = c.name("layer_types");
    if (!types.isArray()) {
      throw new InvalidInputException(c.source, field, "must be a list, got " + types);
    }
    if (types.size() != n) {
      throw new InvalidInputException(
          c.source,
          field,
          "has " + types.size() + " entries, but num_hidden_layers is " + n + " (one a layer)");
    }
    boolean[] sliding = new boolean[n];
    for (int i = 0; i < n; i++) {
      JsonNode t = types.get(i);
      String v = t.isTextual() ? t.asText() : null;
      if (SLIDING.equals(v)) {
        sliding[i] = true;
      } else if (!FULL.equals(v)) {
        throw new InvalidInputException(
            c.source,
            field + "[" + i + "]",
            "must be '" + SLIDING + "' or '" + FULL + "', got " + t);
      }
    }
    if (window == null) {
      for (int i = 0; i < n; i++) {
        if (sliding[i]) {
          throw new InvalidInputException(
              c.source,
              field + "[" + i + "]",
              "is " + SLIDING + ", but the config gives no sliding_window");
        }
      }
    }
    return sliding;
  }

  /**
   * The {@code n} layers: sliding over {@code window} where {@code layer_types} says so ({@link
   * #layerTypes}), or without it where {@code slidingByDefault} does; routing to experts where
   * {@code moe} does.
   */
  static List<LayerSpec> layers(
      Config c, int n, Integer window, IntPredicate slidingByDefault, IntPredicate moe) {
    boolean[] slidingDefault = new boolean[n];
    for (int i = 0; i < n; i++) {
      slidingDefault[i] = slidingByDefault.test(i);
    }
    boolean[] sliding = layerTypes(c, n, window, slidingDefault);
    List<LayerSpec> layers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      layers.add(new LayerSpec(i, sliding[i] ? window : null, moe.test(i)));
    }
    return layers;
  }

  /** How many of the layers slide. */
  private static int sliding(List<LayerSpec> layers) {
    int local = 0;
    for (LayerSpec l : layers) {
      local += l.slidingWindow() != null ? 1 : 0;
    }
    return local;
  }

  /** {@code type: k of n layers attend over a sliding window of w tokens}. */
  private static String slidingNote(String type, List<LayerSpec> layers, int window) {
    return String.format(
        Locale.ROOT,
        "%s: %d of %d layers attend over a sliding window of %d tokens",
        type,
        sliding(layers),
        layers.size(),
        window);
  }

  /** A list of distinct layer indices in [0, n), as a membership array; absent means none. */
  private static boolean[] layerSet(Config c, String key, int n) {
    boolean[] in = new boolean[n];
    JsonNode list = c.root.get(key);
    if (list == null || list.isNull()) {
      return in;
    }
    String field = c.name(key);
    if (!list.isArray()) {
      throw new InvalidInputException(c.source, field, "must be a list of layer indices");
    }
    for (int j = 0; j < list.size(); j++) {
      JsonNode v = list.get(j);
      if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() >= n) {
        throw new InvalidInputException(
            c.source,
            field + "[" + j + "]",
            "must be a layer index from 0 to " + (n - 1) + ", got " + v);
      }
      int i = v.asInt();
      if (in[i]) {
        throw new InvalidInputException(
            c.source, field + "[" + j + "]", "layer " + i + " is listed twice");
      }
      in[i] = true;
    }
    return in;
  }
}
