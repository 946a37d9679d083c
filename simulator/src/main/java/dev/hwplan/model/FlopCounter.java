package dev.hwplan.model;

/**
 * FLOPs per token, with a multiply-accumulate counted as 2 FLOPs.
 *
 * <ul>
 *   <li>Forward for one token that attends to {@code context} cached tokens (decode): {@code 2 N'}
 *       for the matmuls (N' = active parameters without the embedding lookup) plus, per layer,
 *       {@code 4 n_h d_h S} for q·K^T and p·V over the {@code S} tokens it attends to (capped by a
 *       sliding window). GQA and MQA save bytes, not FLOPs. MLA in absorbed form: {@code 2 n_h (d_c
 *       + d_R) S + 2 n_h d_c S} (DeepSeek-V2 section 2.1.2).
 *   <li>Training per token (Kaplan et al. 2020, eq. 2.1-2.2 and Table 1): {@code 6 N' + 6 L T
 *       d_attn}, the causal average of the attention term.
 *   <li>Chinchilla's full count per sequence (Hoffmann et al. 2022, appendix F): embeddings, QKV,
 *       logits, softmax, attention reductions, output, dense blocks and final logits, with the
 *       backward pass twice the forward.
 * </ul>
 */
public final class FlopCounter {
  private FlopCounter() {}

  /** Matmul FLOPs per token: 2 x active parameters, without the embedding lookup. */
  public static double matmulFlopsPerToken(ModelSpec m) {
    ParameterCount p = ParameterCounter.count(m);
    long tiedHead = m.tieWordEmbeddings() ? (long) m.vocabSize() * m.hiddenSize() : 0;
    return 2.0 * (p.active() - p.embedding() + tiedHead);
  }

  /** Attention-score FLOPs for one token that attends to {@code context} tokens, all layers. */
  public static double attentionFlopsPerToken(ModelSpec m, long context) {
    double sum = 0;
    for (LayerSpec layer : m.layers()) {
      long s = layer.cachedTokens(context);
      if (m.mla() != null) {
        MlaSpec mla = m.mla();
        sum +=
            2.0 * m.numAttentionHeads() * mla.latentElementsPerToken() * s
                + 2.0 * m.numAttentionHeads() * mla.kvLoraRank() * s;
      } else {
        sum += 4.0 * m.numAttentionHeads() * m.headDim() * s;
      }
    }
    return sum;
  }

  /** Forward FLOPs for one new token at {@code context} tokens of cache (a decode step). */
  public static double forwardFlopsPerToken(ModelSpec m, long context) {
    return matmulFlopsPerToken(m) + attentionFlopsPerToken(m, context);
  }

  /**
   * Training FLOPs per token at sequence length {@code seqLen} (Kaplan 2020 Table 1, causal): 6 N'
   * + 6 L T d_attn, with the attention term capped by sliding windows layer by layer.
   */
  public static double trainingFlopsPerToken(ModelSpec m, long seqLen) {
    double attn = 0;
    for (LayerSpec layer : m.layers()) {
      attn += 6.0 * layer.cachedTokens(seqLen) * m.attentionWidth();
    }
    return 3 * matmulFlopsPerToken(m) + attn;
  }

  /**
   * Chinchilla appendix F forward FLOPs for one sequence of a dense transformer with a plain MLP of
   * width {@code ffw} (their dense block is 2 matrices), counting embeddings and logits.
   */
  public static double chinchillaForwardFlopsPerSequence(
      long seqLen, long vocab, long dModel, long layers, long heads, long keySize, long ffw) {
    double s = seqLen;
    double kq = (double) keySize * heads;
    double embeddings = 2 * s * vocab * dModel;
    double qkv = 2 * 3 * s * dModel * kq;
    double logits = 2 * s * s * kq;
    double softmax = 3.0 * heads * s * s;
    double reductions = 2 * s * s * kq;
    double project = 2 * s * kq * dModel;
    double dense = 2 * s * (dModel * (double) ffw + dModel * (double) ffw);
    double finalLogits = 2 * s * dModel * vocab;
    return embeddings
        + layers * (qkv + logits + softmax + reductions + project + dense)
        + finalLogits;
  }
}
