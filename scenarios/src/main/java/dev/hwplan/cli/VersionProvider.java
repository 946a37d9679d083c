package dev.hwplan.cli;

import picocli.CommandLine;

/** hwplan's version ({@link dev.hwplan.io.HwplanVersion}) and the Java it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
  /** hwplan's version, e.g. 0.1.0-SNAPSHOT. */
  static String version() {
    return dev.hwplan.io.HwplanVersion.get();
  }

  @Override
  public String[] getVersion() {
    return lines();
  }

  /** The version lines: hwplan's, then the Java's. */
  static String[] lines() {
    return new String[] {
      "hwplan " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
