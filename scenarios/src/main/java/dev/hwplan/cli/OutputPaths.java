package dev.hwplan.cli;

import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.Staging;
import dev.hwplan.report.ReportFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the output paths given on the command line before a command does any work, so that a path
 * hwplan cannot or may not write is bad input (exit 2, one line naming the flag) at once, rather
 * than an error after minutes of computing.
 */
final class OutputPaths {
  private OutputPaths() {}

  /**
   * An output folder ({@code --out DIR}, {@code --charts DIR}): it must not exist, be empty, or be
   * one hwplan wrote ({@link ReportFolder#check}), in a place hwplan can write.
   */
  static void folder(String flag, Path dir) {
    try {
      ReportFolder.check(dir);
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.option(flag, e.getMessage());
    }
  }

  /**
   * An output file ({@code --save FILE}, {@code bench --out FILE}): not a folder, in a folder that
   * exists (hwplan creates no folders the user did not name) and in which hwplan can create files.
   */
  static void file(String flag, Path file) {
    if (Files.isDirectory(file)) {
      throw InvalidInputException.option(flag, file + " is a directory; give a file name");
    }
    Path parent;
    try {
      parent = AtomicFiles.throughLinks(file).getParent();
    } catch (IOException e) {
      throw InvalidInputException.option(
          flag, file + " cannot be written (" + Staging.reason(e) + ")");
    }
    if (!Files.exists(parent)) {
      throw InvalidInputException.option(
          flag,
          "the folder " + parent + " does not exist; create it first, or give a file elsewhere");
    }
    if (!Files.isDirectory(parent)) {
      throw InvalidInputException.option(
          flag, file + " cannot be written: " + parent + " is a file, not a folder");
    }
    try {
      Staging.probe(parent);
    } catch (IOException e) {
      throw InvalidInputException.option(
          flag,
          file
              + " cannot be written: hwplan cannot create files in "
              + parent
              + " ("
              + Staging.reason(e)
              + ")");
    }
  }

  /** A write that failed after the checks (disk full, a folder removed meanwhile): bad input. */
  static InvalidInputException notWritten(String flag, Path path, UncheckedIOException e) {
    return InvalidInputException.option(
        flag, path + " cannot be written: " + Staging.reason(e.getCause()));
  }
}
