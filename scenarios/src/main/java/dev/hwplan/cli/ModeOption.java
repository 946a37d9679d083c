package dev.hwplan.cli;

import dev.hwplan.perf.Mode;
import picocli.CommandLine.Option;

/** The {@code --mode} option of one prediction: sol, calibrated (the default) or measured. */
public final class ModeOption {
  @Option(names = "--mode", defaultValue = "calibrated", description = "sol, calibrated, measured.")
  String mode;

  /** The name as given, checked later by {@link #parse}. */
  public String name() {
    return mode;
  }

  /** The prediction mode; an unknown name is bad input naming {@code --mode}. */
  public Mode parse() {
    return Mode.parse(mode, "--mode");
  }
}
