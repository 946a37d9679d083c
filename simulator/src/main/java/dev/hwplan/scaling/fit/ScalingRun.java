package dev.hwplan.scaling.fit;

/**
 * One finished training run: its size, its data and its final loss.
 *
 * @param params parameters N
 * @param tokens training tokens D
 * @param loss final loss in nats per token
 * @param line the line of the input file it came from (0 where it did not come from a file)
 */
public record ScalingRun(double params, double tokens, double loss, int line) {
  public ScalingRun {
    if (!(params > 0 && tokens > 0 && loss > 0)
        || !Double.isFinite(params)
        || !Double.isFinite(tokens)
        || !Double.isFinite(loss)) {
      throw new IllegalArgumentException(
          "params, tokens and loss must be positive and finite: "
              + params
              + ", "
              + tokens
              + ", "
              + loss);
    }
  }

  /** A run that did not come from a file. */
  public ScalingRun(double params, double tokens, double loss) {
    this(params, tokens, loss, 0);
  }
}
