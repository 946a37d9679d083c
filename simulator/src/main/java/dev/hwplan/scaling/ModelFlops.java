package dev.hwplan.scaling;

import dev.hwplan.model.FlopCounter;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCount;
import dev.hwplan.model.ParameterCounter;

/**
 * Compute allocation with the FLOP count of a real architecture instead of C ≈ 6ND.
 *
 * <p>The laws are stated in C = 6ND (Hoffmann et al. 2022, Sec. 3.3). A concrete architecture
 * spends {@code k·6N} FLOPs per training token, where {@code k =}{@link
 * FlopCounter#trainingFlopsPerToken} {@code / 6N} carries the attention term 6·L·T·d_attn (Kaplan
 * et al. 2020, Table 1) and leaves out the embedding lookup; Hoffmann et al. 2022, Table A4, gives
 * k between 0.99 and 1.10 for their models. The budget that a law sees is therefore {@code C/k}:
 * {@link #optimal} gives the compute-optimal N and D of a model family with this architecture's
 * ratio, and {@link #forModel} the tokens and loss of this exact model within the budget.
 *
 * <p>N is the total parameter count, embeddings included, as Chinchilla counts it (Hoffmann 2022,
 * Sec. 3; Kaplan counts non-embedding parameters). For a mixture of experts the dense laws do not
 * strictly apply; the FLOPs follow the active parameters and the loss is evaluated at the total.
 *
 * @param model the architecture
 * @param seqLen training sequence length, which sets the attention term
 * @param params N, all parameters
 * @param trainingFlopsPerToken exact training FLOPs per token at {@code seqLen}
 */
public record ModelFlops(
    ModelSpec model, long seqLen, double params, double trainingFlopsPerToken) {

  /** The FLOP count of {@code model} at training sequence length {@code seqLen}. */
  public static ModelFlops of(ModelSpec model, long seqLen) {
    if (seqLen <= 0) {
      throw new IllegalArgumentException("seqLen must be positive: " + seqLen);
    }
    ParameterCount p = ParameterCounter.count(model);
    return new ModelFlops(
        model, seqLen, p.total(), FlopCounter.trainingFlopsPerToken(model, seqLen));
  }

  /** k = exact training FLOPs per token over 6N (Hoffmann 2022, Table A4's "Ours/6ND"). */
  public double ratioTo6N() {
    return trainingFlopsPerToken / (TrainingFlops.PER_PARAM_PER_TOKEN * params);
  }

  /**
   * The compute-optimal N and D when every model of the family costs k·6ND: the law's Eq. 4 at the
   * 6ND-equivalent budget C/k. The returned allocation's {@code flops} is the real budget C.
   */
  public Allocation optimal(ChinchillaLaw law, double flops) {
    Allocation a = law.optimal(flops / ratioTo6N());
    return new Allocation(flops, a.params(), a.tokens(), a.loss());
  }

  /** Tokens this very model trains on for {@code flops}, and the loss the law predicts then. */
  public Allocation forModel(LossLaw law, double flops) {
    double tokens = flops / trainingFlopsPerToken;
    return new Allocation(flops, params, tokens, law.loss(params, tokens));
  }

  /**
   * Forward FLOPs per generated token when serving at {@code context} tokens of cache: 2N' plus the
   * attention term that {@code 2N} leaves out ({@link FlopCounter#forwardFlopsPerToken}).
   */
  public double servingFlopsPerToken(long context) {
    return FlopCounter.forwardFlopsPerToken(model, context);
  }
}
