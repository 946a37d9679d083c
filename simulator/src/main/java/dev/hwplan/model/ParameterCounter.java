package dev.hwplan.model;

import java.util.List;

/**
 * Counts parameters from a {@link ModelSpec}, layer by layer, as the family's modeling code
 * allocates them. Llama-style totals follow the formula in the Llama 3 paper's architecture and
 * Meta's llama-models code; MLA follows DeepSeek-V2 section 2.1; MoE replaces the MLP with routed
 * and shared experts plus a router. QK-norm adds two RMSNorms of {@code head_dim} weights a layer
 * (counted with the norms), attention sinks one logit per query head (counted with attention).
 */
public final class ParameterCounter {
  private ParameterCounter() {}

  /**
   * The count by component. Sums and products are exact: a config whose count would not fit in a
   * long throws {@link ArithmeticException} (the config reader refuses such configs before).
   */
  public static ParameterCount count(ModelSpec m) {
    Architecture a = m.architecture();
    long d = m.hiddenSize();
    long v = m.vocabSize();
    long embedding = mul(v, d);
    if (a.learnedPositions() && m.maxPositionEmbeddings() != null) {
      embedding = add(embedding, mul(m.maxPositionEmbeddings(), d));
    }
    long normSize = a.rmsNorm() ? d : 2 * d;
    long layerAttention = attentionParams(m);
    long denseMlp = expertParams(a, d, m.intermediateSize());
    // Layers differ only in their MLP kind: each sum is a count of layers times one layer's
    // parameters (exact: the terms are not negative, so a product overflows where the sum would).
    long layers = m.layers().size();
    long moeLayers = moeLayers(m);
    long attention = mul(layers, layerAttention);
    long layerNorms = a.normsPerLayer() * normSize;
    if (a.qkNorm()) {
      layerNorms = add(layerNorms, 2L * m.headDim()); // q_norm and k_norm: head_dim weights each
    }
    long norms = add(normSize, mul(layers, layerNorms)); // and the final norm
    long mlp = mul(layers - moeLayers, denseMlp);
    long routed = 0;
    long activeRouted = 0;
    long router = 0;
    if (moeLayers > 0) {
      MoeSpec e = m.moe();
      long expert = expertParams(a, d, e.moeIntermediateSize());
      routed = mul(moeLayers, mul(e.nRoutedExperts(), expert));
      activeRouted = mul(moeLayers, mul(e.numExpertsPerTok(), expert));
      mlp = add(mlp, mul(moeLayers, mul(e.nSharedExperts(), expert)));
      router =
          mul(moeLayers, mul(e.nRoutedExperts(), d) + (e.routerBias() ? e.nRoutedExperts() : 0));
    }
    long head = m.tieWordEmbeddings() ? 0 : add(mul(v, d), a.lmHeadBias() ? v : 0);
    ParameterCount p =
        new ParameterCount(embedding, attention, mlp, routed, router, norms, head, activeRouted);
    add(add(add(add(add(add(embedding, attention), mlp), routed), router), norms), head);
    return p;
  }

  private static long mul(long a, long b) {
    return Math.multiplyExact(a, b);
  }

  private static long add(long a, long b) {
    return Math.addExact(a, b);
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

  /**
   * The biases of all routed experts (gpt-oss: gate_up_proj_bias and down_proj_bias), which
   * quantised checkpoints keep in 16 bits; 0 without MLP biases.
   */
  public static long routedExpertBiasParams(ModelSpec m) {
    MoeSpec e = m.moe();
    if (e == null || !m.architecture().mlpBias()) {
      return 0;
    }
    long ff = e.moeIntermediateSize();
    long perExpert = (m.architecture().gatedMlp() ? 2 * ff : ff) + m.hiddenSize();
    return mul(mul(perExpert, e.nRoutedExperts()), moeLayers(m));
  }

  /** The layers whose feed-forward block is a mixture of experts. */
  private static long moeLayers(ModelSpec m) {
    List<LayerSpec> layers = m.layers();
    long n = 0;
    for (int i = 0, size = layers.size(); i < size; i++) {
      if (layers.get(i).moe()) {
        n++;
      }
    }
    return n;
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
              ? mul(mul(d, h), mla.qkHeadDim())
              : add(
                  add(mul(d, mla.qLoraRank()), mla.qLoraRank()),
                  mul(mul(mla.qLoraRank(), h), mla.qkHeadDim()));
      long kv =
          add(
              add(mul(d, mla.latentElementsPerToken()), mla.kvLoraRank()),
              mul(mul(mla.kvLoraRank(), h), (long) mla.qkNopeHeadDim() + mla.vHeadDim()));
      long o = mul(mul(h, mla.vHeadDim()), d);
      return add(add(q, kv), o);
    }
    long dh = m.headDim();
    long kvh = m.numKeyValueHeads();
    long p = add(add(mul(mul(d, h), dh), mul(mul(2 * d, kvh), dh)), mul(mul(h, dh), d));
    if (m.architecture().qkvBias()) {
      p += (h + 2 * kvh) * dh;
    }
    if (m.architecture().outputBias()) {
      p += d;
    }
    if (m.architecture().attentionSinks()) {
      p += h; // one sink logit per query head
    }
    return p;
  }

  private static long expertParams(Architecture a, long d, long ff) {
    long p = mul(mul(a.gatedMlp() ? 3 : 2, d), ff);
    if (a.mlpBias()) {
      p += (a.gatedMlp() ? 2 * ff : ff) + d;
    }
    return p;
  }
}
