package dev.hwplan.model;

import dev.hwplan.io.InvalidInputException;
import java.util.Locale;
import java.util.Map;

/**
 * The largest architecture sizes a config may give. Each is tens to thousands of times what any
 * published model uses (DeepSeek-V3: hidden 7,168, 128 heads of 192, 61 layers, 256 experts, vocab
 * 129,280; Llama 3.1 405B: intermediate 53,248), and together they keep every per-layer byte and
 * FLOP count well inside a 64-bit integer, so that the counts hwplan prints are exact. A value
 * beyond them is a typo or a unit mix-up, reported with the file and the key.
 */
final class ArchitectureLimits {
  private ArchitectureLimits() {}

  static final int WIDTH = 1 << 20;
  static final int FFN = 1 << 22;
  static final int HEADS = 1 << 14;
  static final int HEAD_DIM = 1 << 14;
  static final int LAYERS = 1 << 16;
  static final int VOCAB = 1 << 24;
  static final int EXPERTS = 1 << 20;
  static final int RANK = 1 << 20;

  private static final Map<String, Integer> BY_KEY =
      Map.ofEntries(
          Map.entry("hidden_size", WIDTH),
          Map.entry("n_embd", WIDTH),
          Map.entry("intermediate_size", FFN),
          Map.entry("n_inner", FFN),
          Map.entry("ffn_hidden_size", FFN),
          Map.entry("moe_intermediate_size", FFN),
          Map.entry("num_attention_heads", HEADS),
          Map.entry("n_head", HEADS),
          Map.entry("num_key_value_heads", HEADS),
          Map.entry("num_kv_heads", HEADS),
          Map.entry("n_head_kv", HEADS),
          Map.entry("head_dim", HEAD_DIM),
          Map.entry("qk_nope_head_dim", HEAD_DIM),
          Map.entry("qk_rope_head_dim", HEAD_DIM),
          Map.entry("v_head_dim", HEAD_DIM),
          Map.entry("num_hidden_layers", LAYERS),
          Map.entry("n_layer", LAYERS),
          Map.entry("first_k_dense_replace", LAYERS),
          Map.entry("moe_layer_freq", LAYERS),
          Map.entry("max_window_layers", LAYERS),
          Map.entry("num_nextn_predict_layers", LAYERS),
          Map.entry("vocab_size", VOCAB),
          Map.entry("n_routed_experts", EXPERTS),
          Map.entry("num_local_experts", EXPERTS),
          Map.entry("num_experts_per_tok", EXPERTS),
          Map.entry("n_shared_experts", EXPERTS),
          Map.entry("num_experts", EXPERTS),
          Map.entry("experts_per_token", EXPERTS),
          Map.entry("decoder_sparse_step", LAYERS),
          Map.entry("sliding_window_pattern", LAYERS),
          Map.entry("kv_lora_rank", RANK),
          Map.entry("q_lora_rank", RANK));

  /** The largest value of {@code key}; position counts and windows may be any int. */
  static int of(String key) {
    return BY_KEY.getOrDefault(key, Integer.MAX_VALUE);
  }

  /** Checks {@code min <= v <= of(key)}, naming the file and key otherwise. */
  static void check(String source, String key, int v, int min) {
    check(source, key, key, v, min);
  }

  /** As {@link #check(String, String, int, int)}, naming the key {@code field} in messages. */
  static void check(String source, String key, String field, int v, int min) {
    if (v < min) {
      throw new InvalidInputException(
          source, field, (min == 1 ? "must be positive" : "must not be negative") + ", got " + v);
    }
    int max = of(key);
    if (v > max) {
      throw new InvalidInputException(
          source,
          field,
          String.format(
              Locale.ROOT, "%,d is larger than any model's (at most %,d is accepted)", v, max));
    }
  }
}
