package dev.hwplan.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --unique-tokens U} option of {@code scaling loss} and {@code scaling optimal}: the
 * unique data, repeated over epochs, under Muennighoff et al. 2023's data-constrained law.
 */
final class UniqueTokensOption {
  @Option(
      names = "--unique-tokens",
      paramLabel = "U",
      converter = QuantityConverter.class,
      description = {
        "Only U unique tokens exist, repeated over epochs: applies Muennighoff et al. 2023's",
        "decay of repeated data (R_D* = 15.4, R_N* = 5.3) to the chosen fit."
      })
  Double uniqueTokens;

  /** The unique tokens, {@code null} when not given. */
  Double value() {
    return uniqueTokens;
  }
}
