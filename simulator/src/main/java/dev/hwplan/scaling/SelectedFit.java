package dev.hwplan.scaling;

import java.util.List;

/**
 * A fit chosen by name, by constants or from a saved fit file, with the bootstrap laws that came
 * with it (empty for published constants).
 *
 * @param name what the user called it: a {@link NamedFit} id, "custom", or the file
 * @param law the constants
 * @param reference where the constants come from, in one line
 * @param samples bootstrap laws for intervals on predictions; empty when there are none
 * @param confidence the coverage of intervals computed from the samples
 */
public record SelectedFit(
    String name,
    ChinchillaLaw law,
    String reference,
    List<ChinchillaLaw> samples,
    double confidence) {
  public SelectedFit {
    samples = List.copyOf(samples);
  }

  /** A published fit, without samples. */
  public static SelectedFit of(NamedFit fit) {
    return new SelectedFit(fit.id(), fit.law(), fit.reference(), List.of(), 0.95);
  }

  /** Whether predictions from this fit can carry intervals. */
  public boolean hasSamples() {
    return !samples.isEmpty();
  }
}
