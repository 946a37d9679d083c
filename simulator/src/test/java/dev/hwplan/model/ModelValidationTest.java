package dev.hwplan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import org.junit.jupiter.api.Test;

/** Each rule the config reader checks, with the file and field it names. */
class ModelValidationTest {
  private static final String LLAMA =
      "{\"model_type\":\"llama\",\"hidden_size\":512,\"num_hidden_layers\":2,"
          + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1024,"
          + "\"vocab_size\":32000,\"max_position_embeddings\":4096}";

  private static final String MIXTRAL =
      "{\"model_type\":\"mixtral\",\"hidden_size\":512,\"num_hidden_layers\":2,"
          + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1024,"
          + "\"vocab_size\":32000,\"num_local_experts\":8,\"num_experts_per_tok\":2}";

  private static final String DEEPSEEK =
      "{\"model_type\":\"deepseek_v3\",\"hidden_size\":512,\"num_hidden_layers\":4,"
          + "\"num_attention_heads\":8,\"intermediate_size\":1024,\"vocab_size\":32000,"
          + "\"q_lora_rank\":96,\"kv_lora_rank\":64,\"qk_nope_head_dim\":32,"
          + "\"qk_rope_head_dim\":16,\"v_head_dim\":32,\"n_routed_experts\":256,"
          + "\"num_experts_per_tok\":8,\"n_shared_experts\":1,\"moe_intermediate_size\":256,"
          + "\"first_k_dense_replace\":1,\"moe_layer_freq\":1}";

  /**
   * The config {@code base} with {@code path} set to {@code value} (removed where null), read; a
   * path {@code text_config.x} names field x of the nested text config.
   */
  static ModelSpec read(String base, String path, Object value) {
    ObjectNode n = (ObjectNode) tree(base);
    ObjectNode target = n;
    String field = path;
    if (path.startsWith("text_config.")) {
      target = (ObjectNode) n.get("text_config");
      field = path.substring("text_config.".length());
    }
    if (value == null) {
      target.remove(field);
    } else {
      target.set(field, StrictMapper.json().valueToTree(value));
    }
    return HfConfigReader.read(n, "cfg", "cfg.json");
  }

  static JsonNode tree(String json) {
    try {
      return StrictMapper.json().readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void refused(String base, String field, Object value, String message) {
    assertThatThrownBy(() -> read(base, field, value))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(message);
  }

  @Test
  void theBasesAreValid() {
    assertThat(read(LLAMA, "x", 1).numHiddenLayers()).isEqualTo(2);
    assertThat(read(MIXTRAL, "x", 1).moe().nRoutedExperts()).isEqualTo(8);
    assertThat(read(DEEPSEEK, "x", 1).mla().kvLoraRank()).isEqualTo(64);
  }

  @Test
  void sizesArePositive() {
    refused(LLAMA, "hidden_size", 0, "cfg.json: field 'hidden_size': must be positive, got 0");
    refused(
        LLAMA,
        "num_hidden_layers",
        -1,
        "cfg.json: field 'num_hidden_layers': must be positive, got -1");
    refused(LLAMA, "vocab_size", 0, "cfg.json: field 'vocab_size': must be positive, got 0");
    refused(
        LLAMA,
        "intermediate_size",
        0,
        "cfg.json: field 'intermediate_size': must be positive, got 0");
    refused(
        LLAMA,
        "num_key_value_heads",
        0,
        "cfg.json: field 'num_key_value_heads': must be positive, got 0");
    refused(LLAMA, "head_dim", 0, "cfg.json: field 'head_dim': must be positive, got 0");
    refused(
        LLAMA,
        "max_position_embeddings",
        0,
        "cfg.json: field 'max_position_embeddings': must be positive, got 0");
    refused(
        MIXTRAL,
        "sliding_window",
        -4096,
        "cfg.json: field 'sliding_window': must be positive, got -4096");
  }

  @Test
  void sizesAreIntegersOfTheRightType() {
    refused(
        LLAMA,
        "hidden_size",
        "512",
        "cfg.json: field 'hidden_size': must be an integer, got \"512\"");
    refused(
        LLAMA,
        "hidden_size",
        512.5,
        "cfg.json: field 'hidden_size': must be an integer, got 512.5");
    refused(
        LLAMA,
        "hidden_size",
        1L << 31,
        "cfg.json: field 'hidden_size': is out of range: 2147483648");
    refused(LLAMA, "hidden_size", null, "cfg.json: field 'hidden_size': missing required field");
  }

  @Test
  void sizesBeyondAnyModelAreRefused() {
    refused(
        LLAMA,
        "hidden_size",
        2_000_000,
        "cfg.json: field 'hidden_size': 2,000,000 is larger than any model's (at most 1,048,576 is"
            + " accepted)");
    refused(
        LLAMA,
        "num_attention_heads",
        Integer.MAX_VALUE,
        "cfg.json: field 'num_attention_heads': 2,147,483,647 is larger than any model's (at most"
            + " 16,384 is accepted)");
  }

  @Test
  void kvHeadsDivideTheHeads() {
    refused(
        LLAMA,
        "num_key_value_heads",
        3,
        "cfg.json: field 'num_key_value_heads': num_attention_heads 8 is not divisible by"
            + " num_key_value_heads 3");
    refused(
        LLAMA,
        "num_key_value_heads",
        16,
        "cfg.json: field 'num_key_value_heads': num_attention_heads 8 is not divisible by"
            + " num_key_value_heads 16");
  }

  @Test
  void headsDivideTheHiddenSizeWhenNoHeadDimIsGiven() {
    refused(
        LLAMA,
        "hidden_size",
        500,
        "cfg.json: field 'head_dim': hidden_size 500 is not divisible by num_attention_heads 8;"
            + " give head_dim");
    assertThat(read(read(LLAMA, "x", 1) == null ? LLAMA : LLAMA, "head_dim", 64).headDim())
        .isEqualTo(64);
  }

  @Test
  void aHeadLargerThanAnyModelsIsRefusedWhenDerived() {
    refused(
        LLAMA,
        "hidden_size",
        1 << 20,
        "cfg.json: field 'head_dim': hidden_size 1048576 / num_attention_heads 8 = 131072 is"
            + " larger than any model's head_dim (at most 16384)");
  }

  @Test
  void rotaryDimensionsAreEven() {
    refused(
        LLAMA,
        "head_dim",
        63,
        "cfg.json: field 'head_dim': 63 is odd; rotary position embeddings rotate pairs of"
            + " dimensions");
    refused(
        DEEPSEEK,
        "qk_rope_head_dim",
        15,
        "cfg.json: field 'qk_rope_head_dim': 15 is odd; rotary position embeddings rotate pairs"
            + " of dimensions");
  }

  @Test
  void expertsAreAtLeastOneAndNoMoreAreActiveThanExist() {
    refused(
        DEEPSEEK,
        "n_routed_experts",
        0,
        "cfg.json: field 'n_routed_experts': must be positive, got 0");
    refused(
        DEEPSEEK,
        "num_experts_per_tok",
        1000,
        "cfg.json: field 'num_experts_per_tok': 1000 is more than the 256 experts"
            + " (n_routed_experts)");
    refused(
        MIXTRAL,
        "num_experts_per_tok",
        9,
        "cfg.json: field 'num_experts_per_tok': 9 is more than the 8 experts (num_local_experts)");
    refused(
        MIXTRAL,
        "num_local_experts",
        0,
        "cfg.json: field 'num_local_experts': must be positive, got 0");
    refused(
        DEEPSEEK,
        "num_experts_per_tok",
        0,
        "cfg.json: field 'num_experts_per_tok': must be positive, got 0");
  }

  @Test
  void moeLayoutLeavesAnMoeLayer() {
    refused(
        DEEPSEEK, "moe_layer_freq", 0, "cfg.json: field 'moe_layer_freq': must be positive, got 0");
    refused(
        DEEPSEEK,
        "first_k_dense_replace",
        4,
        "cfg.json: field 'first_k_dense_replace': 4 dense layers leave none of the 4 layers an MoE"
            + " layer, yet n_routed_experts is 256");
    refused(
        DEEPSEEK,
        "first_k_dense_replace",
        -1,
        "cfg.json: field 'first_k_dense_replace': must not be negative, got -1");
    refused(
        DEEPSEEK,
        "n_shared_experts",
        -1,
        "cfg.json: field 'n_shared_experts': must not be negative, got -1");
    refused(
        DEEPSEEK,
        "moe_intermediate_size",
        0,
        "cfg.json: field 'moe_intermediate_size': must be positive, got 0");
  }

  @Test
  void mlaRanksArePositive() {
    refused(DEEPSEEK, "kv_lora_rank", 0, "cfg.json: field 'kv_lora_rank': must be positive, got 0");
    refused(
        DEEPSEEK,
        "qk_nope_head_dim",
        -2,
        "cfg.json: field 'qk_nope_head_dim': must be positive, got -2");
    refused(DEEPSEEK, "v_head_dim", 0, "cfg.json: field 'v_head_dim': must be positive, got 0");
    refused(
        DEEPSEEK, "q_lora_rank", -1, "cfg.json: field 'q_lora_rank': must not be negative, got -1");
    assertThat(read(DEEPSEEK, "q_lora_rank", 0).mla().qLoraRank()).isNull();
  }

  @Test
  void aModelBeyondAnyMachineIsRefused() {
    // A million experts of a million-wide model: every size within its limit, 3 x 2^62 in all.
    ObjectNode n = (ObjectNode) tree(MIXTRAL);
    n.put("hidden_size", 1 << 20);
    n.put("intermediate_size", 1 << 22);
    n.put("num_local_experts", 1 << 20);
    n.put("head_dim", 128);
    assertThatThrownBy(() -> HfConfigReader.read(n, "huge", "cfg.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "cfg.json: hidden_size 1048576, num_hidden_layers 2, intermediate_size 4194304,"
                + " vocab_size 32000, 1048576 experts give more than 2^62 parameters (8 EiB in"
                + " bf16), beyond what any machine holds");
  }

  @Test
  void ropeScalingIsChecked() {
    refused(
        LLAMA,
        "rope_scaling",
        java.util.Map.of("factor", -8.0),
        "cfg.json: field 'rope_scaling.factor': must be a positive number up to 1e6, got -8.0");
    refused(
        LLAMA,
        "rope_scaling",
        "yarn",
        "cfg.json: field 'rope_scaling': must be an object, got \"yarn\"");
  }

  @Test
  void theContextLimitIsTheLongerOfTheEmbeddingsAndTheRopeScaledLength() {
    assertThat(ModelCatalog.resolve("llama-3.1-8b").maxContext()).isEqualTo(131_072L);
    assertThat(ModelCatalog.resolve("deepseek-v3").maxContext()).isEqualTo(163_840L);
    assertThat(ModelCatalog.resolve("llama-2-7b").maxContext()).isEqualTo(4096L);
    assertThat(ModelCatalog.resolve("falcon-7b").maxContext()).isNull();
    // Qwen2.5 with YaRN as its model card adds it: factor 4 on 32,768 positions.
    ModelSpec qwen =
        read(
            LLAMA,
            "rope_scaling",
            java.util.Map.of(
                "type", "yarn", "factor", 4.0, "original_max_position_embeddings", 32768));
    assertThat(qwen.maxContext()).isEqualTo(131_072L);
    assertThatThrownBy(() -> qwen.checkContext(131_073, "--context"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "command line: field '--context': 131,073 tokens is more than the 131,072 that cfg"
                + " supports (rope_scaling of its config)");
    assertThatThrownBy(() -> ModelCatalog.resolve("llama-2-7b").checkContext(4097, "--prompt"))
        .hasMessage(
            "command line: field '--prompt': 4,097 tokens is more than the 4,096 that llama-2-7b"
                + " supports (max_position_embeddings)");
    qwen.checkContext(131_072, "--context");
  }
}
