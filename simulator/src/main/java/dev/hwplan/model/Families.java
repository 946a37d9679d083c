package dev.hwplan.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.HfConfigReader.Config;
import java.util.ArrayList;
import java.util.List;

/** Per-family readers: each applies its transformers config class's keys and defaults. */
final class Families {
  private Families() {}

  /** Llama 2/3/3.1, Mistral (sliding window), Mixtral (MoE) and Qwen2 (q/k/v biases). */
  static ModelSpec llamaLike(Config c, String id, String type) {
    int hidden = c.size("hidden_size");
    int heads = c.size("num_attention_heads");
    int layers = c.size("num_hidden_layers");
    int kv = c.sizeOr(heads, "num_key_value_heads");
    int headDim = headDim(c, hidden, heads);
    List<String> notes = new ArrayList<>();
    boolean attnBias = c.bool("attention_bias", false);
    boolean qwen = type.equals("qwen2");
    Architecture arch =
        new Architecture(
            true,
            true,
            2,
            attnBias || qwen,
            attnBias,
            c.bool("mlp_bias", false),
            false,
            false,
            false,
            false,
            false,
            false,
            false);
    if (qwen) {
      notes.add("qwen2: q, k and v projections carry biases (no config key; Qwen2Attention)");
    }
    MoeSpec moe =
        type.equals("mixtral")
            ? experts(
                c,
                "num_local_experts",
                MoeSpec.routed(
                    c.size("num_local_experts"),
                    c.size("num_experts_per_tok"),
                    c.size("intermediate_size"),
                    false),
                layers)
            : null;
    List<LayerSpec> layerSpecs;
    Integer window = c.optSize("sliding_window");
    if (qwen) {
      // Qwen2 carries sliding_window but applies it only with use_sliding_window, and then only
      // to layers at or above max_window_layers (transformers Qwen2Config.layer_types).
      boolean use = c.bool("use_sliding_window", false);
      int maxWindowLayers = c.countOr(layers, "max_window_layers");
      layerSpecs = new ArrayList<>();
      for (int i = 0; i < layers; i++) {
        layerSpecs.add(
            new LayerSpec(i, use && window != null && i >= maxWindowLayers ? window : null, false));
      }
      if (!use && window != null) {
        notes.add("sliding_window " + window + " ignored: use_sliding_window is false");
      }
    } else {
      if (type.equals("llama")) {
        window = null;
      }
      layerSpecs = HfConfigReader.uniformLayers(layers, window, moe);
      if (window != null) {
        notes.add(
            "sliding_window " + window + ": every layer caches at most " + window + " tokens");
      }
    }
    rotary(c, headDim, "head_dim");
    return new SpecBuilder(c, id, type)
        .sizes(hidden, layers, heads, kv, headDim, c.size("intermediate_size"))
        .build(arch, moe, null, layerSpecs, notes);
  }

  /**
   * Gemma-2: four RMSNorms a layer, GeGLU, tied embeddings, head_dim 256, and local
   * (sliding-window) attention on even-indexed layers, global on odd (transformers Gemma2Config
   * {@code layer_types}; Gemma 2 paper section 2).
   */
  static ModelSpec gemma2(Config c, String id) {
    int hidden = c.size("hidden_size");
    int heads = c.size("num_attention_heads");
    int n = c.size("num_hidden_layers");
    Integer window = c.optSize("sliding_window");
    int headDim = c.sizeOr(256, "head_dim");
    rotary(c, headDim, "head_dim");
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      layers.add(new LayerSpec(i, i % 2 == 0 ? window : null, false));
    }
    boolean bias = c.bool("attention_bias", false);
    return new SpecBuilder(c, id, "gemma2")
        .sizes(
            hidden,
            n,
            heads,
            c.sizeOr(heads, "num_key_value_heads"),
            headDim,
            c.size("intermediate_size"))
        .tiedByDefault()
        .build(
            new Architecture(
                true, true, 4, bias, bias, false, false, false, false, false, false, false, false),
            null,
            null,
            layers,
            List.of(
                "gemma2: even-indexed layers use local attention over "
                    + window
                    + " tokens, odd-indexed layers are global"));
  }

  /**
   * Falcon, in the transformers format ({@code falcon}) and the original RefinedWeb format: {@code
   * multi_query} means one KV head; with {@code parallel_attn} and the old decoder, one LayerNorm a
   * layer; a plain 4h GELU MLP; the output head tied to the embedding.
   */
  static ModelSpec falcon(Config c, String id, String type) {
    int hidden = c.size("hidden_size", "n_embd");
    int heads = c.size("num_attention_heads", "n_head");
    int n = c.size("num_hidden_layers", "n_layer");
    boolean newArch = c.bool("new_decoder_architecture", false);
    boolean multiQuery = c.bool("multi_query", true);
    int kv;
    List<String> notes = new ArrayList<>();
    if (newArch) {
      kv = c.size("num_kv_heads", "n_head_kv");
    } else if (multiQuery) {
      kv = 1;
      notes.add("multi_query: one KV head shared by all " + heads + " query heads");
    } else {
      kv = heads;
    }
    if (c.bool("alibi", false)) {
      notes.add("alibi positions (no rotary)");
    }
    boolean bias = c.bool("bias", false);
    boolean parallel = c.bool("parallel_attn", true);
    int norms = parallel && !newArch ? 1 : 2;
    int headDim = headDim(c, hidden, heads);
    return new SpecBuilder(c, id, type)
        .sizes(hidden, n, heads, kv, headDim, c.sizeOr(4 * hidden, "ffn_hidden_size"))
        .tiedByDefault()
        .build(
            new Architecture(
                false, false, norms, bias, bias, bias, false, false, parallel, false, false, false,
                false),
            null,
            null,
            null,
            notes);
  }

  /** GPT-2: learned positions, LayerNorm with bias, 4h GELU MLP, biases, tied output head. */
  static ModelSpec gpt2(Config c, String id) {
    int hidden = c.size("n_embd");
    int heads = c.size("n_head");
    int n = c.size("n_layer");
    Integer inner = c.optSize("n_inner");
    int positions = c.size("n_positions");
    int headDim = divide(c, hidden, heads, "n_head");
    return new SpecBuilder(c, id, "gpt2")
        .sizes(hidden, n, heads, heads, headDim, inner != null ? inner : 4 * hidden)
        .tiedByDefault()
        .positions(positions, positions)
        .build(
            new Architecture(
                false, false, 2, true, true, true, true, false, false, false, false, false, false),
            null,
            null,
            null,
            List.of("gpt2: learned absolute positions, " + positions + " rows"));
  }

  /**
   * Phi-1/1.5 ({@code phi}, and the earlier {@code phi-msft} remote code): one LayerNorm a layer
   * feeding attention and MLP in parallel, biases everywhere, partial rotary, and an untied output
   * head with a bias.
   */
  static ModelSpec phi(Config c, String id, String type) {
    boolean legacy = type.equals("phi-msft");
    int hidden = legacy ? c.size("n_embd") : c.size("hidden_size");
    int heads = legacy ? c.size("n_head") : c.size("num_attention_heads");
    int n = legacy ? c.size("n_layer") : c.size("num_hidden_layers");
    int kv = legacy ? c.sizeOr(heads, "n_head_kv") : c.sizeOr(heads, "num_key_value_heads");
    int inner = legacy ? c.sizeOr(4 * hidden, "n_inner") : c.size("intermediate_size");
    Integer positions = legacy ? c.optSize("n_positions") : c.optSize("max_position_embeddings");
    int headDim = divide(c, hidden, heads, legacy ? "n_head" : "num_attention_heads");
    return new SpecBuilder(c, id, type)
        .sizes(hidden, n, heads, kv, headDim, inner)
        .positions(positions)
        .build(
            new Architecture(
                false, false, 1, true, true, true, false, true, true, false, false, false, false),
            null,
            null,
            null,
            List.of());
  }

  /**
   * DeepSeek-V2 and V3: MLA with optional query compression, and MoE with routed and shared experts
   * after {@code first_k_dense_replace} dense layers. HF configs set {@code num_key_value_heads} to
   * the head count; MLA's cache ignores it.
   */
  static ModelSpec deepseek(Config c, String id, String type) {
    int hidden = c.size("hidden_size");
    int heads = c.size("num_attention_heads");
    int n = c.size("num_hidden_layers");
    Integer qLora = c.countOr(0, "q_lora_rank") == 0 ? null : c.size("q_lora_rank");
    MlaSpec mla =
        new MlaSpec(
            qLora,
            c.size("kv_lora_rank"),
            c.size("qk_nope_head_dim"),
            c.size("qk_rope_head_dim"),
            c.size("v_head_dim"));
    rotary(c, mla.qkRopeHeadDim(), "qk_rope_head_dim");
    MoeSpec moe = null;
    if (c.has("n_routed_experts")) {
      moe =
          experts(
              c,
              "n_routed_experts",
              new MoeSpec(
                  c.size("n_routed_experts"),
                  c.size("num_experts_per_tok"),
                  c.countOr(0, "n_shared_experts"),
                  c.size("moe_intermediate_size"),
                  c.countOr(0, "first_k_dense_replace"),
                  c.sizeOr(1, "moe_layer_freq"),
                  "noaux_tc".equals(c.str("topk_method"))),
              n);
    }
    List<String> notes = new ArrayList<>();
    Integer hfKv = c.optInt("num_key_value_heads");
    if (hfKv != null) {
      notes.add(
          "num_key_value_heads "
              + hfKv
              + " ignored for the cache: MLA caches one latent of kv_lora_rank + qk_rope_head_dim = "
              + mla.latentElementsPerToken()
              + " elements a token and layer");
    }
    Integer mtp = c.optInt("num_nextn_predict_layers");
    if (mtp != null && mtp > 0) {
      notes.add(
          "num_nextn_predict_layers "
              + mtp
              + ": the multi-token-prediction module is not counted (it is not part of the main model)");
    }
    return new SpecBuilder(c, id, type)
        .sizes(hidden, n, heads, heads, mla.vHeadDim(), c.size("intermediate_size"))
        .build(Architecture.llamaLike(), moe, mla, null, notes);
  }

  /**
   * The experts as read, checked against each other: at least one expert, no more active than
   * exist, and at least one MoE layer among the {@code layers}.
   */
  static MoeSpec experts(Config c, String countKey, MoeSpec e, int layers) {
    if (e.numExpertsPerTok() > e.nRoutedExperts()) {
      throw new InvalidInputException(
          c.source,
          c.name("num_experts_per_tok"),
          e.numExpertsPerTok()
              + " is more than the "
              + e.nRoutedExperts()
              + " experts ("
              + countKey
              + ")");
    }
    if (e.firstKDenseReplace() >= layers) {
      throw new InvalidInputException(
          c.source,
          "first_k_dense_replace",
          e.firstKDenseReplace()
              + " dense layers leave none of the "
              + layers
              + " layers an MoE layer, yet "
              + countKey
              + " is "
              + e.nRoutedExperts());
    }
    return e;
  }

  /** Rotary embeddings rotate pairs of dimensions: an odd rotary dimension is not a real model. */
  static void rotary(Config c, int dim, String key) {
    if (dim % 2 != 0) {
      throw new InvalidInputException(
          c.source,
          c.name(key),
          dim + " is odd; rotary position embeddings rotate pairs of dimensions");
    }
  }

  /**
   * The longest context the model supports: {@code max_position_embeddings}, or the rope-scaled
   * length ({@code rope_scaling.factor} times {@code original_max_position_embeddings}, or times
   * {@code max_position_embeddings} for linear and dynamic scaling, which keep the original there)
   * where that is longer. Null when the config gives no length.
   */
  static Long maxContext(Config c, Integer maxPositions) {
    JsonNode rope = c.root.get("rope_scaling");
    if (rope == null || rope.isNull()) {
      return maxPositions == null ? null : maxPositions.longValue();
    }
    if (!rope.isObject()) {
      throw new InvalidInputException(
          c.source, c.name("rope_scaling"), "must be an object, got " + rope);
    }
    Double factor = c.optNumber(rope, "factor", "rope_scaling.factor");
    if (factor != null && !(factor > 0 && factor <= 1e6)) {
      throw new InvalidInputException(
          c.source,
          c.name("rope_scaling.factor"),
          "must be a positive number up to 1e6, got " + factor);
    }
    Double original =
        c.optNumber(
            rope,
            "original_max_position_embeddings",
            "rope_scaling.original_max_position_embeddings");
    if (original != null && !(original >= 1 && original <= Integer.MAX_VALUE)) {
      throw new InvalidInputException(
          c.source,
          c.name("rope_scaling.original_max_position_embeddings"),
          "must be a positive integer, got " + original);
    }
    Double base = original != null ? original : maxPositions == null ? null : (double) maxPositions;
    if (factor == null || base == null) {
      return maxPositions == null ? null : maxPositions.longValue();
    }
    long scaled = (long) Math.floor(factor * base);
    return maxPositions == null ? scaled : Math.max(maxPositions, scaled);
  }

  /** {@code head_dim}, or without it the hidden size over the {@code num_attention_heads}. */
  static int headDim(Config c, int hidden, int heads) {
    return c.has("head_dim") ? c.size("head_dim") : divide(c, hidden, heads, "num_attention_heads");
  }

  static int divide(Config c, int hidden, int heads, String headsKey) {
    if (heads <= 0) {
      throw new InvalidInputException(c.source, headsKey, "must be positive, got " + heads);
    }
    if (hidden % heads != 0) {
      throw new InvalidInputException(
          c.source,
          "head_dim",
          "hidden_size "
              + hidden
              + " is not divisible by "
              + headsKey
              + " "
              + heads
              + "; give head_dim");
    }
    int headDim = hidden / heads;
    if (headDim > ArchitectureLimits.HEAD_DIM) {
      throw new InvalidInputException(
          c.source,
          "head_dim",
          "hidden_size "
              + hidden
              + " / "
              + headsKey
              + " "
              + heads
              + " = "
              + headDim
              + " is larger than any model's head_dim (at most "
              + ArchitectureLimits.HEAD_DIM
              + ")");
    }
    return headDim;
  }
}
