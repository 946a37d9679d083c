package dev.hwplan.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.model.ModelCatalog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every bundled model, the KV bytes per token and per context are recomputed here straight from
 * the raw config keys, with the textbook formulas and none of the production code's reading.
 */
class IndependentKvCheckTest {
  static java.util.List<String> ids() {
    return ModelCatalog.ids();
  }

  @ParameterizedTest
  @MethodSource("ids")
  void perTokenAndPerContextMatchTheConfig(String id) {
    JsonNode c = ModelCatalog.rawConfig(id);
    String type = c.get("model_type").asText();
    if (c.has("text_config")) {
      // Gemma 3's multimodal configs: the text model, with Gemma3TextConfig's defaults filled in.
      com.fasterxml.jackson.databind.node.ObjectNode t =
          ((com.fasterxml.jackson.databind.node.ObjectNode) c.get("text_config")).deepCopy();
      t.putIfAbsent("num_attention_heads", t.numberNode(8));
      t.putIfAbsent("num_key_value_heads", t.numberNode(4));
      t.putIfAbsent("head_dim", t.numberNode(256));
      c = t;
    }
    long layers = first(c, "num_hidden_layers", "n_layer");
    long perLayer;
    if (c.has("kv_lora_rank")) {
      perLayer = (c.get("kv_lora_rank").asLong() + c.get("qk_rope_head_dim").asLong()) * 2;
    } else {
      long hidden = first(c, "hidden_size", "n_embd");
      long heads = first(c, "num_attention_heads", "n_head");
      long kv = heads;
      if (c.hasNonNull("num_key_value_heads")) {
        kv = c.get("num_key_value_heads").asLong();
      }
      if (c.path("multi_query").asBoolean(false)) {
        kv = 1;
      }
      long dh = c.hasNonNull("head_dim") ? c.get("head_dim").asLong() : hidden / heads;
      perLayer = 2 * kv * dh * 2;
    }
    assertThat(KvCacheCalculator.bytesPerToken(ModelCatalog.resolve(id)))
        .isEqualTo(layers * perLayer);

    long context = 20_000;
    long window =
        c.hasNonNull("sliding_window") ? c.get("sliding_window").asLong() : Long.MAX_VALUE;
    boolean qwenNoWindow =
        type.startsWith("qwen") && !c.path("use_sliding_window").asBoolean(false);
    long tokens = 0;
    for (int i = 0; i < layers; i++) {
      boolean local =
          !qwenNoWindow && window != Long.MAX_VALUE && (!type.equals("gemma2") || i % 2 == 0);
      if (type.equals("gemma3")) {
        local = (i + 1) % c.path("sliding_window_pattern").asInt(6) != 0;
      }
      if (c.has("layer_types")) {
        local = c.get("layer_types").get(i).asText().equals("sliding_attention");
      }
      tokens += local ? Math.min(context, window) : context;
    }
    KvCacheReport r =
        KvCacheCalculator.compute(
            ModelCatalog.resolve(id), context, 2, KvCacheCalculator.Options.defaults());
    assertThat(r.totalBytes()).isEqualTo(2 * tokens * perLayer);
  }

  private static long first(JsonNode c, String... keys) {
    for (String k : keys) {
      if (c.hasNonNull(k)) {
        return c.get(k).asLong();
      }
    }
    throw new AssertionError("no " + String.join("/", keys));
  }
}
