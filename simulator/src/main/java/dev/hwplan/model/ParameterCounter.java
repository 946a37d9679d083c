package dev.hwplan.model;

/**
 * Counts parameters from a {@link ModelSpec}, layer by layer, as the family's modeling code
 * allocates them. Llama-style totals follow the formula in the Llama 3 paper's architecture and
 * Meta's llama-models code; MLA follows DeepSeek-V2 section 2.1; MoE replaces the MLP with routed
 * and shared experts plus a router.
 */
public final class ParameterCounter {
  private ParameterCounter() {}

  public static ParameterCount count(ModelSpec m) {
    Architecture a = m.architecture();
    long d = m.hiddenSize();
    long v = m.vocabSize();
    long embedding = v * d;
    if (a.learnedPositions() && m.maxPositionEmbeddings() != null) {
      embedding += (long) m.maxPositionEmbeddings() * d;
    }
    long normSize = a.rmsNorm() ? d : 2 * d;
    long attention = 0;
    long mlp = 0;
    long routed = 0;
    long activeRouted = 0;
    long router = 0;
    long norms = normSize; // final norm
    for (LayerSpec layer : m.layers()) {
      attention += attentionParams(m);
      norms += a.normsPerLayer() * normSize;
      if (layer.moe()) {
        MoeSpec e = m.moe();
        long expert = expertParams(a, d, e.moeIntermediateSize());
        routed += e.nRoutedExperts() * expert;
        activeRouted += e.numExpertsPerTok() * expert;
        mlp += e.nSharedExperts() * expert;
        router += e.nRoutedExperts() * d + (e.routerBias() ? e.nRoutedExperts() : 0);
      } else {
        mlp += expertParams(a, d, m.intermediateSize());
      }
    }
    long head = m.tieWordEmbeddings() ? 0 : v * d + (a.lmHeadBias() ? v : 0);
    return new ParameterCount(embedding, attention, mlp, routed, router, norms, head, activeRouted);
  }

  /**
   * One layer's attention parameters that tensor parallelism does not split: MLA's down-projections
   * {@code q_a_proj} and {@code kv_a_proj_with_mqa} with their norms, which every rank holds whole
   * (vLLM's {@code ReplicatedLinear} in its DeepSeek-V2/V3 model); 0 for other attention.
   */
  public static long replicatedAttentionParams(ModelSpec m) {
    MlaSpec mla = m.mla();
    if (mla == null) {
      return 0;
    }
    long d = m.hiddenSize();
    long q = mla.qLoraRank() == null ? 0 : d * mla.qLoraRank() + mla.qLoraRank();
    return q + d * mla.latentElementsPerToken() + mla.kvLoraRank();
  }

  /** One layer's attention parameters. */
  public static long attentionParams(ModelSpec m) {
    long d = m.hiddenSize();
    long h = m.numAttentionHeads();
    MlaSpec mla = m.mla();
    if (mla != null) {
      // DeepSeek-V2 eq. 9-14: W^DQ, q norm, W^UQ/W^QR (or W^Q), W^DKV + W^KR, kv norm,
      // W^UK/W^UV, W^O.
      long q =
          mla.qLoraRank() == null
              ? d * h * mla.qkHeadDim()
              : d * mla.qLoraRank()
                  + mla.qLoraRank()
                  + (long) mla.qLoraRank() * h * mla.qkHeadDim();
      long kv =
          d * mla.latentElementsPerToken()
              + mla.kvLoraRank()
              + (long) mla.kvLoraRank() * h * (mla.qkNopeHeadDim() + mla.vHeadDim());
      long o = h * mla.vHeadDim() * d;
      return q + kv + o;
    }
    long dh = m.headDim();
    long kvh = m.numKeyValueHeads();
    long p = d * h * dh + 2 * d * kvh * dh + h * dh * d;
    if (m.architecture().qkvBias()) {
      p += (h + 2 * kvh) * dh;
    }
    if (m.architecture().outputBias()) {
      p += d;
    }
    return p;
  }

  private static long expertParams(Architecture a, long d, long ff) {
    long p = (a.gatedMlp() ? 3 : 2) * d * ff;
    if (a.mlpBias()) {
      p += (a.gatedMlp() ? 2 * ff : ff) + d;
    }
    return p;
  }
}
