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
    boolean parallelAttention) {

  /** Llama, Mistral, Mixtral and DeepSeek: SwiGLU, RMSNorm, two norms per layer, no biases. */
  static Architecture llamaLike() {
    return new Architecture(true, true, 2, false, false, false, false, false, false);
  }
}
