package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.io.StrictMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Model configs made impossible one field at a time (for the fuzz suite), and bad OPS.jsonl lines.
 */
final class FuzzConfigs {
  private FuzzConfigs() {}

  /**
   * Small valid configs of a dense GQA model, a Mixtral-style MoE and a DeepSeek-V3-style MLA MoE.
   */
  static final Map<String, String> BASES =
      Map.of(
          "llama",
          "{\"model_type\":\"llama\",\"hidden_size\":512,\"num_hidden_layers\":2,"
              + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1024,"
              + "\"vocab_size\":32000,\"max_position_embeddings\":4096,\"head_dim\":64}",
          "mixtral",
          "{\"model_type\":\"mixtral\",\"hidden_size\":512,\"num_hidden_layers\":2,"
              + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1024,"
              + "\"vocab_size\":32000,\"max_position_embeddings\":4096,\"num_local_experts\":8,"
              + "\"num_experts_per_tok\":2,\"sliding_window\":1024}",
          "deepseek",
          "{\"model_type\":\"deepseek_v3\",\"hidden_size\":512,\"num_hidden_layers\":4,"
              + "\"num_attention_heads\":8,\"num_key_value_heads\":8,\"intermediate_size\":1024,"
              + "\"vocab_size\":32000,\"max_position_embeddings\":4096,\"q_lora_rank\":96,"
              + "\"kv_lora_rank\":64,\"qk_nope_head_dim\":32,\"qk_rope_head_dim\":16,"
              + "\"v_head_dim\":32,\"n_routed_experts\":16,\"num_experts_per_tok\":4,"
              + "\"n_shared_experts\":1,\"moe_intermediate_size\":256,\"first_k_dense_replace\":1,"
              + "\"moe_layer_freq\":1}");

  private static final List<String> SIZES =
      List.of("0", "-1", "-2147483648", "2147483648", "1.5", "\"8\"", "true", "[]", "{}", "1e400");

  /** The fields of {@code base} that the fuzz suite breaks. */
  static List<String> fields(String base) {
    List<String> l =
        new ArrayList<>(
            List.of(
                "hidden_size",
                "num_hidden_layers",
                "num_attention_heads",
                "num_key_value_heads",
                "intermediate_size",
                "vocab_size",
                "max_position_embeddings"));
    switch (base) {
      case "llama" -> l.add("head_dim");
      case "mixtral" ->
          l.addAll(List.of("num_local_experts", "num_experts_per_tok", "sliding_window"));
      case "deepseek" -> {
        l.remove("num_key_value_heads"); // MLA: ignored for the cache, any positive value
        l.addAll(
            List.of(
                "q_lora_rank",
                "kv_lora_rank",
                "qk_nope_head_dim",
                "qk_rope_head_dim",
                "v_head_dim",
                "n_routed_experts",
                "num_experts_per_tok",
                "n_shared_experts",
                "moe_intermediate_size",
                "first_k_dense_replace",
                "moe_layer_freq"));
      }
      default -> throw new IllegalArgumentException(base);
    }
    return l;
  }

  /** Values of {@code field} that no valid config has, given the other fields of {@code base}. */
  static List<String> badValues(String base, String field) {
    List<String> l = new ArrayList<>(SIZES);
    switch (field) {
      case "num_key_value_heads" -> l.addAll(List.of("3", "16"));
      case "num_attention_heads" -> l.addAll(List.of("3", "7"));
      case "num_experts_per_tok" -> l.addAll(List.of(base.equals("mixtral") ? "9" : "17", "1000"));
      case "q_lora_rank", "first_k_dense_replace", "n_shared_experts" -> {
        l.remove("0"); // 0 is valid: no query compression, no dense layers, no shared expert
      }
      case "hidden_size" -> {
        if (base.equals("mixtral")) {
          l.add("500"); // not divisible by the 8 heads, and no head_dim given
        }
      }
      default -> {}
    }
    if (field.equals("first_k_dense_replace")) {
      l.add("5"); // more than the 4 layers: no MoE layer left, yet n_routed_experts is set
    }
    return l;
  }

  /** {@code base} with {@code field} set to the JSON value {@code value}. */
  static String mutate(String base, String field, String value) {
    try {
      ObjectNode n = (ObjectNode) StrictMapper.json().readTree(BASES.get(base));
      String json = n.toString();
      String replacement = "\"" + field + "\":" + value;
      if (n.has(field)) {
        return json.replaceFirst("\"" + field + "\":[^,}]+", replacement.replace("$", "\\$"));
      }
      return json.replaceFirst("\\{", "{" + replacement.replace("$", "\\$") + ",");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static final int BAD_OPS_LINES = 14;

  /** The i-th bad OPS.jsonl line, as bytes (some are not UTF-8). */
  static byte[] badOpsLine(int i) {
    String gemm = "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":64,\"n\":4096,\"k\":4096";
    String text =
        switch (i) {
          case 0 -> gemm.replace("\"m\":64", "\"m\":-1") + "}";
          case 1 -> "{";
          case 2 -> gemm.replace("\"m\":64", "\"m\":1e400") + "}";
          case 3 -> gemm.replace("\"m\":64", "\"m\":9223372036854775807") + "}";
          case 4 -> gemm.replace("h100-sxm", "no-such-gpu") + "}";
          case 5 -> gemm + ",\"heads\":4}";
          case 6 ->
              "{\"op\":\"collective\",\"gpu\":\"h200-sxm\",\"collective\":\"all-reduce\","
                  + "\"gpus\":8,\"bytes\":1e300}";
          case 7 ->
              "{\"op\":\"attention\",\"gpu\":\"h100-sxm\",\"batch\":8,\"heads\":32,\"kvHeads\":8,"
                  + "\"headDim\":128,\"context\":4096,\"kvLoraRank\":512}";
          case 8 -> gemm.replace("\"m\":64", "\"m\":\"64\"") + "}";
          case 9 -> gemm.replace("\"m\":64", "\"m\":1.5") + "}";
          case 10 -> "[1,2,3]";
          case 11 -> gemm + "} trailing";
          case 12 -> null; // Latin-1
          case 13 -> null; // binary
          default -> throw new IllegalArgumentException("bad line " + i);
        };
    if (i == 12) {
      return (gemm.replace("h100-sxm", "h100-sxm\u00e9") + "}")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
    if (i == 13) {
      return new byte[] {'{', (byte) 0xC3, 0x28, (byte) 0xFF, 0, 1, 2, '}'};
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a config back (for the unit tests' convenience). */
  static JsonNode tree(String json) {
    try {
      return StrictMapper.json().readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
