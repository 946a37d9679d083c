package dev.hwplan.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --price-per-gpu-hour P} option of {@code train} and {@code scaling budget}: one price
 * for every GPU-hour, since hwplan ships no default prices.
 */
final class PriceOption {
  @Option(
      names = "--price-per-gpu-hour",
      paramLabel = "P",
      converter = QuantityConverter.class,
      description = "Price of one GPU-hour; without it, hours only (no default prices).")
  Double price;

  /** The price as given, {@code null} when not. */
  Double value() {
    return price;
  }
}
