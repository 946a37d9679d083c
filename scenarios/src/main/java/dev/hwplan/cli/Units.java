package dev.hwplan.cli;

import java.util.Locale;

/** Human formatting: GiB for memory, with the unit labelled. */
final class Units {
  private Units() {}

  static String gib(double bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1L << 30));
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < (1L << 20)) {
      return String.format(Locale.ROOT, "%,d B (%.2f KiB)", b, b / 1024.0);
    }
    return String.format(Locale.ROOT, "%,d B (%s)", b, gib(b));
  }

  /** Seconds in the unit that reads best: ns, us, ms or s. */
  static String seconds(double s) {
    if (s < 1e-6) {
      return String.format(Locale.ROOT, "%.1f ns", s * 1e9);
    }
    if (s < 1e-3) {
      return String.format(Locale.ROOT, "%.2f us", s * 1e6);
    }
    if (s < 1) {
      return String.format(Locale.ROOT, "%.3f ms", s * 1e3);
    }
    return String.format(Locale.ROOT, "%.3f s", s);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String billions(long n) {
    return String.format(Locale.ROOT, "%,d (%.2fB)", n, n / 1e9);
  }

  /** Bandwidth in GB/s below 1 TB/s, else TB/s (decimal units, as datasheets give them). */
  static String bandwidth(double bytesPerSecond) {
    return bytesPerSecond >= 1e12
        ? String.format(Locale.ROOT, "%.3f TB/s", bytesPerSecond / 1e12)
        : String.format(Locale.ROOT, "%.1f GB/s", bytesPerSecond / 1e9);
  }
}
