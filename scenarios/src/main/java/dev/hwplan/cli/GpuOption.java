package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import picocli.CommandLine.Option;

/** The required {@code --gpu} option: a GPU profile id, bundled or from {@code --profiles}. */
public final class GpuOption {
  @Option(names = "--gpu", required = true, description = "GPU profile id.")
  String gpu;

  /** The id as given. */
  public String id() {
    return gpu;
  }

  /**
   * The profile named by {@code --gpu} in {@code profiles}' catalog; an unknown id is bad input.
   */
  public GpuProfile in(ProfilesOption profiles) {
    return profiles.catalog().get(gpu);
  }
}
