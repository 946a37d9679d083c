package dev.hwplan.regress;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark history: a JSON Lines file of {@link RunRecord}s, one run per line, oldest first,
 * append-only. File order is run order; dates are shown but not used to sort, so clock skew between
 * CI machines cannot reorder a history.
 */
public final class History {
  private History() {}

  /**
   * Reads every record of {@code file}; a file that does not exist yet is an empty history. Blank
   * lines are skipped. A bad line is bad input that names the file and the line number.
   */
  public static List<RunRecord> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(file.toString(), "", "is a directory, not a history file");
    }
    List<String> lines = dev.hwplan.io.TextFiles.read(file).lines().toList();
    List<RunRecord> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.isBlank()) {
        out.add(parseLine(file, i + 1, line));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Appends {@code record} as one line, atomically: the old content and the new line go to a
   * temporary file in the same folder, which is renamed over the history. A reader (or a crash)
   * sees the old history or the new one, never half a line. Two writers at once can still lose one
   * record (the last rename wins), so let one CI job at a time append to a given file.
   */
  public static void append(Path file, RunRecord record) {
    byte[] old;
    try {
      old = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "", "cannot be read: " + e.getMessage());
    }
    StringBuilder sb = new StringBuilder(new String(old, StandardCharsets.UTF_8));
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
      sb.append('\n');
    }
    sb.append(record.toJsonLine()).append('\n');
    try {
      AtomicFiles.writeString(file, sb.toString());
    } catch (java.io.UncheckedIOException e) {
      throw new InvalidInputException(
          file.toString(), "", "cannot be written: " + e.getCause().getMessage());
    }
  }

  private static RunRecord parseLine(Path file, int lineNumber, String line) {
    String source = file + " line " + lineNumber;
    try {
      RunRecord r = StrictMapper.json().readValue(line, RunRecord.class);
      if (r == null) {
        throw new InvalidInputException(source, "", "is null, expected a run record");
      }
      return r;
    } catch (JsonProcessingException e) {
      InvalidInputException t = StrictMapper.translate(file.toString(), e);
      // The parser counts lines within this one line: its "(line 1)" says nothing here.
      String reason =
          t.reason()
              .replaceFirst("\\s*\\(line 1\\)$", "")
              .replaceFirst("\\s*\\(start marker at \\[Source: .*$", "");
      throw new InvalidInputException(source, t.field(), reason);
    }
  }
}
