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

  /** The folder of user profiles that {@link #catalog} reads: the option's, else the variable's. */
  public Path resolvedDir() {
    if (dir != null) {
      return dir;
    }
    String env = System.getenv(ProfileCatalog.ENV);
    return env == null || env.isBlank() ? null : Path.of(env);
  }
}
