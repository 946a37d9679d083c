package dev.hwplan.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** hwplan's version, as Maven filtered it into {@code hwplan-version.properties}. */
public final class HwplanVersion {
  private static final String VERSION = load();

  private HwplanVersion() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the resource is missing. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    Properties p = new Properties();
    try (InputStream in = HwplanVersion.class.getResourceAsStream("/hwplan-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }
}
