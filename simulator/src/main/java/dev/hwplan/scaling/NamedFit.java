package dev.hwplan.scaling;

import dev.hwplan.io.Keyed;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The published fits of the Chinchilla law, by the name the CLI's {@code --fit} takes. */
public enum NamedFit implements Keyed.ByName {
  /** Hoffmann et al. 2022, App. D.2, Eq. 10, as printed (rounded). */
  HOFFMANN2022(
      new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28),
      "Hoffmann et al. 2022 (arXiv:2203.15556), Eq. 10, rounded as printed"),
  /**
   * Hoffmann et al. 2022's unrounded constants from the paper's TeX source, as quoted by Besiroglu
   * et al. 2024's notebook (log A = 6.0073404, log B = 6.0179186, log E = 0.5267228).
   */
  HOFFMANN2022_UNROUNDED(
      ChinchillaLaw.fromLogParams(6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083),
      "Hoffmann et al. 2022, unrounded constants from the TeX source (via Epoch AI's notebook)"),
  /**
   * Besiroglu, Erdil, Barnett, You 2024 (arXiv:2404.10102), the replication on data extracted from
   * Hoffmann's Fig. 4: A 482.01, B 2085.43, E 1.8172, α 0.3478, β 0.3658.
   */
  EPOCH2024(
      new ChinchillaLaw(1.81686, 482.00572, 2085.43420, 0.34781303, 0.36585412),
      "Besiroglu et al. 2024 (arXiv:2404.10102), Epoch AI's replication of Hoffmann's Approach 3"),
  /**
   * Muennighoff et al. 2023 (arXiv:2305.16264), the C4 fit of the data-constrained law without
   * repetition (datablations README: a, b, e, α, β = 6.255414, 7.3049974, 0.6254804, 0.3526596,
   * 0.3526596).
   */
  MUENNIGHOFF2023(
      ChinchillaLaw.fromLogParams(6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596),
      "Muennighoff et al. 2023 (arXiv:2305.16264), C4 fit, unique data (datablations README)");

  private final ChinchillaLaw law;
  private final String reference;

  NamedFit(ChinchillaLaw law, String reference) {
    this.law = law;
    this.reference = reference;
  }

  /** The name {@code --fit} takes: the constant's name in lower case, '_' as '-'. */
  public String id() {
    return key();
  }

  public ChinchillaLaw law() {
    return law;
  }

  /** Where the constants come from, in one line. */
  public String reference() {
    return reference;
  }

  /** The fit with this name (case-insensitive), if there is one. */
  public static Optional<NamedFit> byId(String id) {
    return Optional.ofNullable(Keyed.find(List.of(values()), id));
  }

  /** The names, comma-separated, for messages. */
  public static String ids() {
    return Arrays.stream(values()).map(NamedFit::id).collect(Collectors.joining(", "));
  }
}
