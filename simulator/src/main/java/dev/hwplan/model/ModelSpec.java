package dev.hwplan.model;

import dev.hwplan.io.InvalidInputException;
import java.util.List;

/**
 * A decoder-only transformer as its Hugging Face {@code config.json} describes it. Field names
 * follow the HF keys they were read from ({@code hidden_size} becomes {@code hiddenSize}; GPT-2's
 * {@code n_embd} also lands in {@code hiddenSize}).
 *
 * @param id catalog id, or the file name for a user's config
 * @param source where it was read from, for messages
 * @param modelType {@code model_type}
 * @param numKeyValueHeads KV heads as the cache stores them: 1 for Falcon's {@code multi_query};
 *     for MLA models the HF value is kept for reference but the cache uses {@link #mla()}
 * @param headDim {@code head_dim}, or {@code hidden_size / num_attention_heads}; for MLA the {@code
 *     v_head_dim}
 * @param intermediateSize the dense MLP width ({@code intermediate_size}, {@code n_inner} or {@code
 *     4 * hidden_size})
 * @param maxPositionEmbeddings {@code max_position_embeddings} / {@code n_positions}, or null
 * @param maxContext the longest context the model supports: {@code max_position_embeddings}, or the
 *     longer rope-scaled length of {@code rope_scaling}; null when the config gives none
 * @param moe null for dense models
 * @param mla null unless the model uses multi-head latent attention
 * @param layers one entry a layer, with its attention window and MLP kind
 * @param notes what the reader decided that a user should know
 */
public record ModelSpec(
    String id,
    String source,
    String modelType,
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int intermediateSize,
    int vocabSize,
    boolean tieWordEmbeddings,
    Integer maxPositionEmbeddings,
    Long maxContext,
    Architecture architecture,
    MoeSpec moe,
    MlaSpec mla,
    List<LayerSpec> layers,
    String torchDtype,
    List<String> notes) {

  public ModelSpec {
    positive(source, "hidden_size", hiddenSize);
    positive(source, "num_hidden_layers", numHiddenLayers);
    positive(source, "num_attention_heads", numAttentionHeads);
    positive(source, "num_key_value_heads", numKeyValueHeads);
    positive(source, "head_dim", headDim);
    positive(source, "intermediate_size", intermediateSize);
    positive(source, "vocab_size", vocabSize);
    if (mla == null && numAttentionHeads % numKeyValueHeads != 0) {
      throw new InvalidInputException(
          source,
          "num_key_value_heads",
          "num_attention_heads "
              + numAttentionHeads
              + " is not divisible by num_key_value_heads "
              + numKeyValueHeads);
    }
    if (layers.size() != numHiddenLayers) {
      throw new IllegalArgumentException("layers must have one entry a layer");
    }
    layers = List.copyOf(layers);
    notes = List.copyOf(notes);
  }

  private static void positive(String source, String key, int v) {
    if (v <= 0) {
      throw new InvalidInputException(source, key, "must be positive, got " + v);
    }
  }

  /**
   * Refuses a context longer than the model supports, naming {@code flag}: its position embeddings
   * (or rope scaling) end there, so no KV cache, latency or FLOP count beyond it describes the
   * model. The CLI and the scenario studies check what users ask for; the calculators themselves
   * answer any context (a what-if beyond the limit is still arithmetic). Models whose config gives
   * no length are limited only by the arithmetic.
   */
  public void checkContext(long tokens, String flag) {
    if (maxContext != null && tokens > maxContext) {
      boolean scaled = maxPositionEmbeddings == null || maxContext > maxPositionEmbeddings;
      throw InvalidInputException.option(
          flag,
          String.format(
              java.util.Locale.ROOT,
              "%,d tokens is more than the %,d that %s supports (%s)",
              tokens,
              maxContext,
              id,
              scaled ? "rope_scaling of its config" : "max_position_embeddings"));
    }
  }

  /** The attention design as the KV cache sees it. */
  public AttentionKind attentionKind() {
    return mla != null ? AttentionKind.MLA : AttentionKind.of(numAttentionHeads, numKeyValueHeads);
  }

  /** Query heads per KV head (1 for MHA, {@code num_attention_heads} for MQA). */
  public int groupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** Attention width {@code n_h * d_h}: the Q projection's output size (Kaplan's d_attn). */
  public int attentionWidth() {
    return mla != null ? numAttentionHeads * mla.qkHeadDim() : numAttentionHeads * headDim;
  }

  /** Whether any layer uses a sliding window. */
  public boolean hasSlidingWindow() {
    return layers.stream().anyMatch(l -> l.slidingWindow() != null);
  }
}
