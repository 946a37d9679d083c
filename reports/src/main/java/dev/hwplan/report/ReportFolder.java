package dev.hwplan.report;

import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.HwplanVersion;
import dev.hwplan.io.Staging;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The rule for folders that hwplan writes and may later replace or write into again (a report
 * folder, {@code regress --out DIR}, {@code measure cpu --charts DIR}): every such folder holds a
 * marker file, {@value #MARKER}, with the tool's name and version, and hwplan writes only into a
 * folder that does not exist yet, is empty, or carries that marker. A folder of the user's own,
 * even one that holds only files named like a report's ({@code index.html}, {@code tables/}), is
 * refused; so is a report folder written before the marker existed.
 *
 * <p>{@link #check} runs before any work, so that a refused folder costs nothing and is left
 * exactly as it was.
 */
public final class ReportFolder {
  /** The marker file's name. */
  public static final String MARKER = ".hwplan-report";

  private ReportFolder() {}

  /**
   * Checks that hwplan may write the folder {@code dir}, without writing anything: it does not
   * exist, is empty, or carries the {@value #MARKER} marker, and its parent (or the nearest folder
   * above that exists) lets hwplan create entries in it.
   *
   * @return the folder to write, absolute, with a symbolic link at {@code dir} followed
   * @throws IllegalArgumentException when it may not; the message names {@code dir} and the reason,
   *     in one line
   */
  public static Path check(Path dir) {
    Path target;
    try {
      target = AtomicFiles.throughLinks(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          dir + " cannot be used as an output folder (" + Staging.reason(e) + ")");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(
            dir + " exists and is a file, not a folder; choose another output folder");
      }
      if (!isMarked(target) && !isEmpty(dir, target)) {
        throw new IllegalArgumentException(
            dir
                + " is not empty and was not written by hwplan (no "
                + MARKER
                + " marker); hwplan only replaces or writes into its own output folders, so"
                + " choose another folder or remove this one yourself");
      }
    }
    Path base = target.getParent();
    while (base.getParent() != null && !Files.exists(base)) {
      base = base.getParent();
    }
    if (!Files.isDirectory(base)) {
      throw new IllegalArgumentException(
          dir + " cannot be created: " + base + " is a file, not a folder");
    }
    try {
      Staging.probe(base);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          dir
              + " cannot be written: hwplan cannot create anything in "
              + base
              + " ("
              + Staging.reason(e)
              + ")");
    }
    return target;
  }

  /**
   * Makes {@code dir} an output folder of hwplan's to write files into: {@link #check}s it, creates
   * it (and the folders above it) when missing, and writes the marker.
   *
   * @return the folder, as {@link #check} returns it
   * @throws IllegalArgumentException as {@link #check}
   * @throws UncheckedIOException when the folder or the marker cannot be written
   */
  public static Path claim(Path dir) {
    Path target = check(dir);
    try {
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    if (!isMarked(target)) {
      AtomicFiles.write(target.resolve(MARKER), marker());
    }
    return target;
  }

  /** Whether {@code dir} holds the marker (a regular file, not a link to one). */
  public static boolean isMarked(Path dir) {
    return Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
  }

  /** The marker's bytes: one line of JSON naming the tool and its version. */
  static byte[] marker() {
    String version = HwplanVersion.get().replace("\\", "\\\\").replace("\"", "\\\"");
    return ("{\"tool\":\"hwplan\",\"version\":\"" + version + "\"}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isEmpty(Path dir, Path target) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          dir + " cannot be read (" + Staging.reason(e) + "); choose another output folder");
    }
  }
}
