package dev.hwplan.model;

import static dev.hwplan.model.ModelValidationTest.read;
import static dev.hwplan.model.ModelValidationTest.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules the Qwen3, Gemma 3 and gpt-oss readers check, each with the file and field named. */
class RecentFamiliesValidationTest {
  private static final String QWEN3_MOE =
      "{\"model_type\":\"qwen3_moe\",\"hidden_size\":512,\"num_hidden_layers\":4,"
          + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"head_dim\":128,"
          + "\"intermediate_size\":1024,\"moe_intermediate_size\":256,\"vocab_size\":32000,"
          + "\"num_experts\":16,\"num_experts_per_tok\":4,\"max_position_embeddings\":4096}";

  private static final String GEMMA3 =
      "{\"model_type\":\"gemma3\",\"text_config\":{\"hidden_size\":512,\"num_hidden_layers\":12,"
          + "\"intermediate_size\":1024,\"sliding_window\":64}}";

  private static final String GPT_OSS =
      "{\"model_type\":\"gpt_oss\",\"hidden_size\":512,\"num_hidden_layers\":4,"
          + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"head_dim\":64,"
          + "\"intermediate_size\":512,\"vocab_size\":32000,\"num_local_experts\":8,"
          + "\"num_experts_per_tok\":2,\"experts_per_token\":2,\"sliding_window\":128,"
          + "\"layer_types\":[\"sliding_attention\",\"full_attention\",\"sliding_attention\","
          + "\"full_attention\"]}";

  @Test
  void theBasesAreValid() {
    ModelSpec q = read(QWEN3_MOE, "x", 1);
    assertThat(q.layers()).allMatch(LayerSpec::moe);
    assertThat(q.attentionWidth()).isEqualTo(1024);
    ModelSpec g = read(GEMMA3, "x", 1);
    assertThat(g.layers().stream().filter(l -> l.slidingWindow() == null).map(LayerSpec::index))
        .containsExactly(5, 11);
    assertThat(g.headDim()).isEqualTo(256);
    assertThat(g.vocabSize()).isEqualTo(262_208);
    ModelSpec o = read(GPT_OSS, "x", 1);
    assertThat(o.layers().get(0).slidingWindow()).isEqualTo(128);
    assertThat(o.layers().get(1).slidingWindow()).isNull();
  }

  @Test
  void layerTypesHaveOneKnownEntryALayer() {
    refused(
        GPT_OSS,
        "layer_types",
        List.of("sliding_attention", "full_attention"),
        "cfg.json: field 'layer_types': has 2 entries, but num_hidden_layers is 4 (one a layer)");
    refused(
        GPT_OSS,
        "layer_types",
        List.of("sliding_attention", "chunked_attention", "full_attention", "full_attention"),
        "cfg.json: field 'layer_types[1]': must be 'sliding_attention' or 'full_attention', got"
            + " \"chunked_attention\"");
    refused(
        GPT_OSS,
        "layer_types",
        "sliding_attention",
        "cfg.json: field 'layer_types': must be a list, got \"sliding_attention\"");
    refused(
        GEMMA3,
        "text_config.layer_types",
        List.of("full_attention"),
        "cfg.json: field 'text_config.layer_types': has 1 entries, but num_hidden_layers is 12"
            + " (one a layer)");
    // A sliding layer needs a window: Qwen3 gives none unless it uses one.
    String qwen =
        QWEN3_MOE.replace(
            "}",
            ",\"layer_types\":[\"full_attention\",\"full_attention\","
                + "\"full_attention\",\"sliding_attention\"]}");
    assertThatThrownBy(() -> read(qwen, "x", 1))
        .hasMessage(
            "cfg.json: field 'layer_types[3]': is sliding_attention, but the config gives no"
                + " sliding_window");
    assertThat(read(qwen, "sliding_window", 256).layers().get(3).slidingWindow()).isEqualTo(256);
  }

  @Test
  void windowsAndPatternsArePositive() {
    refused(
        GPT_OSS, "sliding_window", 0, "cfg.json: field 'sliding_window': must be positive, got 0");
    refused(
        GEMMA3,
        "text_config.sliding_window",
        -1,
        "cfg.json: field 'text_config.sliding_window': must be positive, got -1");
    refused(
        GEMMA3,
        "text_config.sliding_window_pattern",
        0,
        "cfg.json: field 'text_config.sliding_window_pattern': must be positive, got 0");
    // A pattern of 1 makes every layer global.
    assertThat(read(GEMMA3, "text_config.sliding_window_pattern", 1).hasSlidingWindow()).isFalse();
  }

  @Test
  void expertsAreConsistent() {
    refused(
        QWEN3_MOE,
        "num_experts_per_tok",
        17,
        "cfg.json: field 'num_experts_per_tok': 17 is more than the 16 experts (num_experts)");
    refused(
        GPT_OSS,
        "num_experts_per_tok",
        9,
        "cfg.json: field 'num_experts_per_tok': 9 is more than the 8 experts (num_local_experts)");
    refused(
        GPT_OSS,
        "experts_per_token",
        3,
        "cfg.json: field 'experts_per_token': 3 contradicts num_experts_per_tok 2 (the same count)");
    refused(
        GPT_OSS,
        "num_local_experts",
        0,
        "cfg.json: field 'num_local_experts': must be positive, got 0");
    refused(
        GPT_OSS,
        "swiglu_limit",
        -7,
        "cfg.json: field 'swiglu_limit': must be a positive number, got -7");
    // num_experts 0 is a dense Qwen3-MoE config.
    assertThat(read(QWEN3_MOE, "num_experts", 0).moe()).isNull();
  }

  @Test
  void sparseLayersAreChosenByStepAndList() {
    ModelSpec m = read(QWEN3_MOE, "mlp_only_layers", List.of(0, 2));
    assertThat(m.layers().stream().map(LayerSpec::moe)).containsExactly(false, true, false, true);
    ModelSpec every2 = read(QWEN3_MOE, "decoder_sparse_step", 2);
    assertThat(every2.layers().stream().map(LayerSpec::moe))
        .containsExactly(false, true, false, true);
    // The dense layers use intermediate_size, the sparse ones the experts.
    ParameterCount p = ParameterCounter.count(m);
    assertThat(p.mlp()).isEqualTo(2L * 3 * 512 * 1024);
    assertThat(p.routedExperts()).isEqualTo(2L * 16 * 3 * 512 * 256);
    refused(
        QWEN3_MOE,
        "mlp_only_layers",
        List.of(4),
        "cfg.json: field 'mlp_only_layers[0]': must be a layer index from 0 to 3, got 4");
    refused(
        QWEN3_MOE,
        "mlp_only_layers",
        List.of(1, 1),
        "cfg.json: field 'mlp_only_layers[1]': layer 1 is listed twice");
    refused(
        QWEN3_MOE,
        "mlp_only_layers",
        List.of(0, 1, 2, 3),
        "cfg.json: field 'mlp_only_layers': leaves none of the 4 layers an MoE layer, yet"
            + " num_experts is 16 (give num_experts 0 for a dense model)");
    refused(
        QWEN3_MOE,
        "decoder_sparse_step",
        5,
        "cfg.json: field 'decoder_sparse_step': leaves none of the 4 layers an MoE layer, yet"
            + " num_experts is 16 (give num_experts 0 for a dense model)");
    refused(
        QWEN3_MOE,
        "decoder_sparse_step",
        0,
        "cfg.json: field 'decoder_sparse_step': must be positive, got 0");
  }

  @Test
  void gemma3NeedsItsTextConfig() {
    refused(GEMMA3, "text_config", null, "cfg.json: field 'text_config': missing required field");
    refused(GEMMA3, "text_config", 3, "cfg.json: field 'text_config': must be an object, got 3");
    refused(
        GEMMA3,
        "text_config.hidden_size",
        null,
        "cfg.json: field 'text_config.hidden_size': missing required field");
    refused(
        GEMMA3,
        "text_config.head_dim",
        255,
        "cfg.json: field 'text_config.head_dim': 255 is odd; rotary position embeddings rotate"
            + " pairs of dimensions");
    refused(
        GEMMA3,
        "text_config.num_key_value_heads",
        3,
        "cfg.json: field 'text_config.num_key_value_heads': num_attention_heads 8 is not"
            + " divisible by"
            + " num_key_value_heads 3");
  }

  @Test
  void qkNormAndSinksCountWhereTheFamilyHasThem() {
    ModelSpec q = read(QWEN3_MOE, "x", 1);
    assertThat(q.architecture().qkNorm()).isTrue();
    assertThat(q.architecture().attentionSinks()).isFalse();
    ModelSpec o = read(GPT_OSS, "x", 1);
    assertThat(o.architecture().attentionSinks()).isTrue();
    assertThat(o.architecture().qkNorm()).isFalse();
    // gpt-oss attention: q, k, v, o with biases and one sink a head.
    long d = 512;
    long expected = d * 512 + 512 + 2 * (d * 128 + 128) + 512 * d + d + 8;
    assertThat(ParameterCounter.attentionParams(o)).isEqualTo(expected);
    // Llama has neither.
    ModelSpec l = ModelCatalog.resolve("llama-3.1-8b");
    assertThat(l.architecture().qkNorm() || l.architecture().attentionSinks()).isFalse();
  }
}
