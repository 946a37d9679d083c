package dev.hwplan.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The size of the last-level cache, read from Linux sysfs, so that memory-bound probes and kernels
 * can be given inputs well beyond it.
 */
public final class CacheInfo {
  /** What is assumed where sysfs says nothing: larger than most server LLC slices per socket. */
  public static final long FALLBACK_LLC_BYTES = 64L << 20;

  private CacheInfo() {}

  /** The largest cache size that sysfs lists for cpu0, or {@link #FALLBACK_LLC_BYTES}. */
  public static long lastLevelCacheBytes() {
    long best = 0;
    Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
    for (int i = 0; i < 8; i++) {
      Path size = dir.resolve("index" + i).resolve("size");
      try {
        if (Files.exists(size)) {
          best = Math.max(best, parse(Files.readString(size).trim()));
        }
      } catch (IOException | RuntimeException e) {
        // skip this index
      }
    }
    return best > 0 ? best : FALLBACK_LLC_BYTES;
  }

  /** Whether the size came from the machine rather than the fallback. */
  public static boolean lastLevelCacheKnown() {
    return lastLevelCacheBytes() != FALLBACK_LLC_BYTES
        || Files.exists(Path.of("/sys/devices/system/cpu/cpu0/cache/index3/size"));
  }

  static long parse(String s) {
    String t = s.toUpperCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("K")) {
      mult = 1L << 10;
    } else if (t.endsWith("M")) {
      mult = 1L << 20;
    } else if (t.endsWith("G")) {
      mult = 1L << 30;
    }
    String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
    return Long.parseLong(digits.trim()) * mult;
  }
}
