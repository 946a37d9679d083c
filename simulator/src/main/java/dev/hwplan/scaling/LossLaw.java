package dev.hwplan.scaling;

/**
 * A predicted pre-training loss (nats per token) for a model of N parameters trained on D tokens.
 */
public interface LossLaw {
  /** The predicted loss for {@code params} parameters trained on {@code tokens} tokens. */
  double loss(double params, double tokens);
}
