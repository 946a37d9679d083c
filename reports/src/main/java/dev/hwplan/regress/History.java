package dev.hwplan.regress;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.Staging;
import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark history: a JSON Lines file of {@link RunRecord}s, one run per line, oldest first,
 * append-only. File order is run order; dates are shown but not used to sort, so clock skew between
 * CI machines cannot reorder a history.
 */
public final class History {
  /**
   * Held while this JVM reads or appends a history: a POSIX lock belongs to the process, so two
   * threads must not hold one on the same file at once, and closing any channel on a file drops the
   * process's locks on it.
   */
  private static final Object LOCK = new Object();

  private History() {}

  /**
   * Reads every record of {@code file}; a file that does not exist yet is an empty history. Blank
   * lines are skipped. A bad line is bad input that names the file and the line number. The read
   * holds a shared lock on the file (where the file system has locks), so it never sees half of a
   * line that {@link #append} is writing.
   */
  public static List<RunRecord> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(file.toString(), "", "is a directory, not a history file");
    }
    String text;
    synchronized (LOCK) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          FileLock lock = sharedLock(ch)) {
        text = readAll(ch);
      } catch (IOException e) {
        throw new InvalidInputException(
            file.toString(), "", "cannot be read: " + Staging.reason(e));
      }
    }
    List<String> lines = text.lines().toList();
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
   * Appends {@code record} as one line, safely when several processes (CI jobs, threads) append to
   * the same file at once: under an exclusive lock on the file ({@link FileChannel#lock}, an
   * advisory POSIX lock that other hwplan processes honour, and a lock within this JVM), the line
   * goes to the end in one write, after a newline when the file does not end with one. The file is
   * written in place, so a symbolic link stays a link to the same file, and the file keeps its mode
   * (a new one gets the user's umask). A file system without locks is bad input rather than a risk
   * of lost records.
   */
  public static void append(Path file, RunRecord record) {
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(file.toString(), "", "is a directory, not a history file");
    }
    byte[] line = (record.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (LOCK) {
      try (FileChannel ch =
              FileChannel.open(
                  file,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.CREATE);
          FileLock lock = ch.lock()) {
        long end = ch.size();
        ByteBuffer buf = ByteBuffer.allocate(line.length + 1);
        if (end > 0 && !endsWithNewline(ch, end)) {
          buf.put((byte) '\n');
        }
        buf.put(line).flip();
        while (buf.hasRemaining()) {
          end += ch.write(buf, end);
        }
        ch.force(false);
      } catch (IOException e) {
        throw new InvalidInputException(
            file.toString(), "", "cannot be appended to: " + Staging.reason(e));
      }
    }
  }

  private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    while (last.hasRemaining()) {
      if (ch.read(last, size - 1) < 0) {
        return false;
      }
    }
    return last.get(0) == '\n';
  }

  /** A shared lock on the whole file, or null where the file system has no locks. */
  private static FileLock sharedLock(FileChannel ch) {
    try {
      return ch.lock(0, Long.MAX_VALUE, true);
    } catch (IOException e) {
      return null; // reading unlocked risks a torn last line, which parsing then reports
    }
  }

  private static String readAll(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(Math.min(ch.size(), Integer.MAX_VALUE)));
    long pos = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
    buf.flip();
    return StandardCharsets.UTF_8.newDecoder().decode(buf).toString();
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
