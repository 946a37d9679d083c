package dev.hwplan.model;

/**
 * The structural choices that change parameter and FLOP counts, read from the HF config and the
 * family's modeling code.
 *
 * @param gatedMlp SwiGLU/GeGLU (three matrices) rather than a plain two-matrix MLP
 * @param rmsNorm RMSNorm (gain only) rather than LayerNorm (gain and bias)
 * @param normsPerLayer norms inside each decoder layer (Llama 2, Gemma-2 4, Falcon-7B and Phi 1)
 * @param qkvBias biases on the Q, K and V projections (Qwen2, GPT-2, Phi)
 * @param outputBias bias on the attention output projection (GPT-2, Phi)
 * @param mlpBias biases in the MLP (GPT-2, Phi)
 * @param learnedPositions learned absolute position embeddings of {@code n_positions} rows (GPT-2)
 * @param lmHeadBias bias on the output head (Phi)
 * @param parallelAttention attention and MLP read the same normed input (Falcon, Phi)
 * @param qkNorm an RMSNorm of {@code head_dim} weights on the queries and one on the keys of every
 *     layer, before RoPE (Qwen3, Gemma 3: transformers Qwen3Attention/Gemma3Attention q_norm and
 *     k_norm)
 * @param attentionSinks a learned logit per query head that joins every softmax denominator and
 *     takes no value (gpt-oss model card section 2.2; transformers GptOssAttention.sinks)
 * @param scaledEmbedding the embedding output is multiplied by sqrt(hidden_size) (Gemma)
 * @param clampedSwiglu SwiGLU whose gate and linear inputs are clamped ({@code swiglu_limit};
 *     gpt-oss)
 */
public record Architecture(
    boolean gatedMlp,
    boolean rmsNorm,
    int normsPerLayer,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    boolean learnedPositions,
    boolean lmHeadBias,
    boolean parallelAttention,
    boolean qkNorm,
    boolean attentionSinks,
    boolean scaledEmbedding,
    boolean clampedSwiglu) {

  /** Llama, Mistral, Mixtral and DeepSeek: SwiGLU, RMSNorm, two norms per layer, no biases. */
  static Architecture llamaLike() {
    return new Architecture(
        true, true, 2, false, false, false, false, false, false, false, false, false, false);
  }
}
