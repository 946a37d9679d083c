package dev.hwplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.StrictMapper;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * JSON as the files that commands write hold it (a run record, a saved fit, an imported
 * calibration): the strict mapper's output, indented, with a line break at the end.
 */
final class IndentedJson {
  private IndentedJson() {}

  /** {@code value} as indented JSON text ending in a line break. */
  static String text(Object value) {
    try {
      return StrictMapper.indentedJson(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code text} to {@code file} atomically; a file that cannot be written is bad input
   * naming {@code option}.
   */
  static void write(String option, Path file, String text) {
    try {
      AtomicFiles.writeString(file, text);
    } catch (UncheckedIOException e) {
      throw OutputPaths.notWritten(option, file, e);
    }
  }
}
