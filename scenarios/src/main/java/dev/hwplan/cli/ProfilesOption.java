package dev.hwplan.cli;

import dev.hwplan.hardware.ProfileCatalog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --profiles DIR} option: a folder of extra GPU profile YAML files. */
public final class ProfilesOption {
  @Option(
      names = "--profiles",
      paramLabel = "DIR",
      description = "Folder of extra GPU profile YAML files (default: $HWPLAN_PROFILES).")
  Path dir;

  /** The bundled catalog plus the user's folder. */
  public ProfileCatalog catalog() {
    return ProfileCatalog.withUserProfiles(dir);
  }
}
