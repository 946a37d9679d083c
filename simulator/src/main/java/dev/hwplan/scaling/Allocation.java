package dev.hwplan.scaling;

/**
 * A training run's size: parameters N and tokens D, the training compute that pays for them, and
 * the loss a law predicts for them.
 *
 * @param flops training compute in FLOP (6ND unless a caller says otherwise)
 * @param params parameters N
 * @param tokens training tokens D
 * @param loss predicted loss in nats per token
 */
public record Allocation(double flops, double params, double tokens, double loss) {
  public Allocation {
    if (!(flops > 0 && params > 0 && tokens > 0)) {
      throw new IllegalArgumentException(
          "flops, params and tokens must be positive: " + flops + ", " + params + ", " + tokens);
    }
  }

  /** Tokens per parameter, D/N (about 20 for Chinchilla itself). */
  public double tokensPerParam() {
    return tokens / params;
  }

  /** FLOPs per generated token when serving this model: about 2N (Kaplan 2020, Eq. 2.2). */
  public double servingFlopsPerToken() {
    return TrainingFlops.servingFlopsPerToken(params);
  }
}
