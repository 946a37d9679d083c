package dev.hwplan.cli;

import dev.hwplan.scaling.FitSpecs;
import dev.hwplan.scaling.SelectedFit;
import picocli.CommandLine.Option;

/** The {@code --fit} option of the scaling commands. */
public final class FitOption {
  @Option(
      names = "--fit",
      paramLabel = "FIT",
      defaultValue = "epoch2024",
      description = {
        "Which law: hoffmann2022, hoffmann2022-unrounded, epoch2024, muennighoff2023;",
        "constants E=..,A=..,B=..,alpha=..,beta=..; or a file from 'scaling fit --save'",
        "(its bootstrap samples give intervals). Default: ${DEFAULT-VALUE}, Epoch AI's",
        "replication, since Hoffmann's printed constants are rounded with a bias."
      })
  String spec;

  /** The chosen fit. */
  public SelectedFit resolve() {
    return FitSpecs.resolve(spec, "--fit");
  }
}
