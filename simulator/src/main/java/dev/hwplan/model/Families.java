package dev.hwplan.model;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.HfConfigReader.Config;
import java.util.ArrayList;
import java.util.List;

/** Per-family readers: each applies its transformers config class's keys and defaults. */
final class Families {
  private Families() {}

  /** Llama 2/3/3.1, Mistral (sliding window), Mixtral (MoE) and Qwen2 (q/k/v biases). */
  static ModelSpec llamaLike(Config c, String id, String type) {
    int hidden = c.reqInt("hidden_size");
    int heads = c.reqInt("num_attention_heads");
    int layers = c.reqInt("num_hidden_layers");
    int kv = c.intOr(heads, "num_key_value_heads");
    int headDim = c.intOr(divide(c, hidden, heads, "num_attention_heads"), "head_dim");
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
            false);
    if (qwen) {
      notes.add("qwen2: q, k and v projections carry biases (no config key; Qwen2Attention)");
    }
    MoeSpec moe = null;
    if (type.equals("mixtral")) {
      moe =
          new MoeSpec(
              c.reqInt("num_local_experts"),
              c.reqInt("num_experts_per_tok"),
              0,
              c.reqInt("intermediate_size"),
              0,
              1,
              false);
    }
    List<LayerSpec> layerSpecs;
    Integer window = c.optInt("sliding_window");
    if (qwen) {
      // Qwen2 carries sliding_window but applies it only with use_sliding_window, and then only
      // to layers at or above max_window_layers (transformers Qwen2Config.layer_types).
      boolean use = c.bool("use_sliding_window", false);
      int maxWindowLayers = c.intOr(layers, "max_window_layers");
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
    return new ModelSpec(
        id,
        c.source,
        type,
        hidden,
        layers,
        heads,
        kv,
        headDim,
        c.reqInt("intermediate_size"),
        c.reqInt("vocab_size"),
        c.bool("tie_word_embeddings", false),
        c.optInt("max_position_embeddings"),
        arch,
        moe,
        null,
        layerSpecs,
        c.str("torch_dtype"),
        notes);
  }

  /**
   * Gemma-2: four RMSNorms a layer, GeGLU, tied embeddings, head_dim 256, and local
   * (sliding-window) attention on even-indexed layers, global on odd (transformers Gemma2Config
   * {@code layer_types}; Gemma 2 paper section 2).
   */
  static ModelSpec gemma2(Config c, String id) {
    int hidden = c.reqInt("hidden_size");
    int heads = c.reqInt("num_attention_heads");
    int n = c.reqInt("num_hidden_layers");
    Integer window = c.optInt("sliding_window");
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      layers.add(new LayerSpec(i, i % 2 == 0 ? window : null, false));
    }
    boolean bias = c.bool("attention_bias", false);
    return new ModelSpec(
        id,
        c.source,
        "gemma2",
        hidden,
        n,
        heads,
        c.intOr(heads, "num_key_value_heads"),
        c.intOr(256, "head_dim"),
        c.reqInt("intermediate_size"),
        c.reqInt("vocab_size"),
        c.bool("tie_word_embeddings", true),
        c.optInt("max_position_embeddings"),
        new Architecture(true, true, 4, bias, bias, false, false, false, false),
        null,
        null,
        layers,
        c.str("torch_dtype"),
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
    int hidden = c.reqInt("hidden_size", "n_embd");
    int heads = c.reqInt("num_attention_heads", "n_head");
    int n = c.reqInt("num_hidden_layers", "n_layer");
    boolean newArch = c.bool("new_decoder_architecture", false);
    boolean multiQuery = c.bool("multi_query", true);
    int kv;
    List<String> notes = new ArrayList<>();
    if (newArch) {
      kv = c.reqInt("num_kv_heads", "n_head_kv");
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
    return new ModelSpec(
        id,
        c.source,
        type,
        hidden,
        n,
        heads,
        kv,
        c.intOr(divide(c, hidden, heads, "num_attention_heads"), "head_dim"),
        c.intOr(4 * hidden, "ffn_hidden_size"),
        c.reqInt("vocab_size"),
        c.bool("tie_word_embeddings", true),
        c.optInt("max_position_embeddings"),
        new Architecture(false, false, norms, bias, bias, bias, false, false, parallel),
        null,
        null,
        HfConfigReader.uniformLayers(n, null, null),
        c.str("torch_dtype"),
        notes);
  }

  /** GPT-2: learned positions, LayerNorm with bias, 4h GELU MLP, biases, tied output head. */
  static ModelSpec gpt2(Config c, String id) {
    int hidden = c.reqInt("n_embd");
    int heads = c.reqInt("n_head");
    int n = c.reqInt("n_layer");
    Integer inner = c.optInt("n_inner");
    return new ModelSpec(
        id,
        c.source,
        "gpt2",
        hidden,
        n,
        heads,
        heads,
        divide(c, hidden, heads, "n_head"),
        inner != null ? inner : 4 * hidden,
        c.reqInt("vocab_size"),
        c.bool("tie_word_embeddings", true),
        c.reqInt("n_positions"),
        new Architecture(false, false, 2, true, true, true, true, false, false),
        null,
        null,
        HfConfigReader.uniformLayers(n, null, null),
        c.str("torch_dtype"),
        List.of("gpt2: learned absolute positions, " + c.reqInt("n_positions") + " rows"));
  }

  /**
   * Phi-1/1.5 ({@code phi}, and the earlier {@code phi-msft} remote code): one LayerNorm a layer
   * feeding attention and MLP in parallel, biases everywhere, partial rotary, and an untied output
   * head with a bias.
   */
  static ModelSpec phi(Config c, String id, String type) {
    boolean legacy = type.equals("phi-msft");
    int hidden = legacy ? c.reqInt("n_embd") : c.reqInt("hidden_size");
    int heads = legacy ? c.reqInt("n_head") : c.reqInt("num_attention_heads");
    int n = legacy ? c.reqInt("n_layer") : c.reqInt("num_hidden_layers");
    int kv = legacy ? c.intOr(heads, "n_head_kv") : c.intOr(heads, "num_key_value_heads");
    int inner = legacy ? c.intOr(4 * hidden, "n_inner") : c.reqInt("intermediate_size");
    return new ModelSpec(
        id,
        c.source,
        type,
        hidden,
        n,
        heads,
        kv,
        divide(c, hidden, heads, legacy ? "n_head" : "num_attention_heads"),
        inner,
        c.reqInt("vocab_size"),
        c.bool("tie_word_embeddings", false),
        legacy ? c.optInt("n_positions") : c.optInt("max_position_embeddings"),
        new Architecture(false, false, 1, true, true, true, false, true, true),
        null,
        null,
        HfConfigReader.uniformLayers(n, null, null),
        c.str("torch_dtype"),
        List.of());
  }

  /**
   * DeepSeek-V2 and V3: MLA with optional query compression, and MoE with routed and shared experts
   * after {@code first_k_dense_replace} dense layers. HF configs set {@code num_key_value_heads} to
   * the head count; MLA's cache ignores it.
   */
  static ModelSpec deepseek(Config c, String id, String type) {
    int hidden = c.reqInt("hidden_size");
    int heads = c.reqInt("num_attention_heads");
    int n = c.reqInt("num_hidden_layers");
    Integer qLora = c.optInt("q_lora_rank");
    if (qLora != null && qLora == 0) {
      qLora = null;
    }
    MlaSpec mla =
        new MlaSpec(
            qLora,
            c.reqInt("kv_lora_rank"),
            c.reqInt("qk_nope_head_dim"),
            c.reqInt("qk_rope_head_dim"),
            c.reqInt("v_head_dim"));
    MoeSpec moe = null;
    if (c.has("n_routed_experts")) {
      moe =
          new MoeSpec(
              c.reqInt("n_routed_experts"),
              c.reqInt("num_experts_per_tok"),
              c.intOr(0, "n_shared_experts"),
              c.reqInt("moe_intermediate_size"),
              c.intOr(0, "first_k_dense_replace"),
              c.intOr(1, "moe_layer_freq"),
              "noaux_tc".equals(c.str("topk_method")));
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
    return new ModelSpec(
        id,
        c.source,
        type,
        hidden,
        n,
        heads,
        heads,
        mla.vHeadDim(),
        c.reqInt("intermediate_size"),
        c.reqInt("vocab_size"),
        c.bool("tie_word_embeddings", false),
        c.optInt("max_position_embeddings"),
        Architecture.llamaLike(),
        moe,
        mla,
        HfConfigReader.uniformLayers(n, null, moe),
        c.str("torch_dtype"),
        notes);
  }

  private static int divide(Config c, int hidden, int heads, String headsKey) {
    if (heads <= 0) {
      throw new InvalidInputException(c.source, headsKey, "must be positive, got " + heads);
    }
    if (hidden % heads != 0) {
      throw new InvalidInputException(
          c.source,
          "head_dim",
          "hidden size " + hidden + " is not divisible by " + heads + " heads; give head_dim");
    }
    return hidden / heads;
  }
}
