package dev.hwplan.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Human formatting: GiB for memory, with the unit labelled. */
final class Units {
  private Units() {}

  /**
   * The locale the quick commands ({@code kv}, {@code infer}, {@code memory}, {@code profiles
   * show}) format numbers in: none. A {@link java.util.Formatter} given {@code null} applies no
   * localization: ASCII digits, {@code '.'} and a {@code ','} every three digits, which is what
   * {@code Locale.ROOT} gives for the conversions used here ({@code %d %s %f %%} with widths,
   * precisions and the {@code -} and {@code ,} flags; {@code UnitsTest} compares the two). Unlike
   * {@code Locale.ROOT} it loads none of the JDK's locale data (providers, resource bundles, {@code
   * DecimalFormatSymbols}), which the first format of a process otherwise pays for (start-up). Not
   * for {@code %S} or {@code %t}, which would fall back to the default locale.
   */
  static final Locale PLAIN = null;

  /** An answer's notes, one a line ({@code " note: ..."}), and the flush that ends the answer. */
  static void printNotes(PrintWriter out, List<String> notes) {
    for (String n : notes) {
      out.println("  note: " + n);
    }
    out.flush();
  }

  static String gib(double bytes) {
    return String.format(PLAIN, "%.2f GiB", bytes / (1L << 30));
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < (1L << 20)) {
      return String.format(PLAIN, "%,d B (%.2f KiB)", b, b / 1024.0);
    }
    if (b < (1L << 30)) {
      // a KV block of 2 MiB read "0.00 GiB"
      return String.format(PLAIN, "%,d B (%.2f MiB)", b, b / (double) (1L << 20));
    }
    return String.format(PLAIN, "%,d B (%s)", b, gib(b));
  }

  /** Seconds in the unit that reads best: ns, us, ms or s. */
  static String seconds(double s) {
    if (s < 1e-6) {
      return String.format(PLAIN, "%.1f ns", s * 1e9);
    }
    if (s < 1e-3) {
      return String.format(PLAIN, "%.2f us", s * 1e6);
    }
    if (s < 1) {
      return String.format(PLAIN, "%.3f ms", s * 1e3);
    }
    return String.format(PLAIN, "%.3f s", s);
  }

  static String count(long n) {
    return String.format(PLAIN, "%,d", n);
  }

  static String billions(long n) {
    return String.format(PLAIN, "%,d (%.2fB)", n, n / 1e9);
  }

  /** Bandwidth in GB/s below 1 TB/s, else TB/s (decimal units, as datasheets give them). */
  static String bandwidth(double bytesPerSecond) {
    return bytesPerSecond >= 1e12
        ? String.format(PLAIN, "%.3f TB/s", bytesPerSecond / 1e12)
        : String.format(PLAIN, "%.1f GB/s", bytesPerSecond / 1e9);
  }
}
