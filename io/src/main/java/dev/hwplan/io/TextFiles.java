package dev.hwplan.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the text files users hand to hwplan (configs, profiles, scenarios, OPS.jsonl, CSV, run
 * records) as UTF-8, strictly: a missing file, a folder, a UTF-16 or UTF-32 file, bytes that are
 * not UTF-8 and binary content (NUL bytes) are each an {@link InvalidInputException} that names the
 * file and, where it can, the line. A UTF-8 byte-order mark is allowed and dropped.
 */
public final class TextFiles {
  private TextFiles() {}

  /** Checks that {@code file} exists and is a regular file, naming it otherwise. */
  public static void requireFile(Path file) {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(name, "", "is a folder, not a file");
    }
    if (!Files.exists(file)) {
      throw new InvalidInputException(name, "", "no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(name, "", "is not a regular file");
    }
  }

  /** The whole file as text. */
  public static String read(Path file) {
    requireFile(file);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "", "no such file");
    } catch (AccessDeniedException e) {
      throw new InvalidInputException(file.toString(), "", "cannot be read: permission denied");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "", "cannot be read: " + e.getMessage());
    }
    return decode(bytes, file.toString());
  }

  /**
   * {@code bytes} (the content of {@code source}) as UTF-8 text, or a message that says why not.
   */
  public static String decode(byte[] bytes, String source) {
    int start = bom(bytes, 0, bytes.length, source);
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text;
    try {
      text = d.decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
    } catch (CharacterCodingException e) {
      int at = firstBadByte(bytes, start);
      throw notUtf8(source, lineOf(bytes, start, at), bytes[at]);
    }
    int nul = text.indexOf('\u0000');
    if (nul >= 0) {
      throw binary(source, lineOf(text, nul));
    }
    return text;
  }

  /**
   * The entries of a bundled list such as {@code catalog.txt}, read as UTF-8 and closed: each line
   * stripped, blank lines and {@code #} comments left out.
   */
  public static List<String> listed(InputStream in) throws IOException {
    try (in) {
      List<String> out = new ArrayList<>();
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        l = l.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          out.add(l);
        }
      }
      return out;
    }
  }

  /**
   * The names that the resource {@code resource} (an absolute name, {@code /profiles/catalog.txt})
   * bundled with {@code owner} lists, read as {@link #listed} reads them.
   *
   * @throws IllegalStateException if the jar lacks the resource: a broken build, not bad input
   */
  public static List<String> listedResource(Class<?> owner, String resource) {
    InputStream in = owner.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException(resource.substring(1) + " missing from the jar");
    }
    try {
      return listed(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The bytes of the resource {@code resource} bundled with {@code owner}, or null if there is
   * none.
   *
   * @param what what it is, for the error if it cannot be read: "reading bundled {what}"
   */
  public static byte[] bundledBytes(Class<?> owner, String resource, String what) {
    InputStream in = owner.getResourceAsStream(resource);
    if (in == null) {
      return null;
    }
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading bundled " + what, e);
    }
  }

  /**
   * A line reader over {@code file} for large files: the byte-order mark is checked here, and a
   * line that is not UTF-8 is reported by {@link #lineError} when {@code readLine} fails on it.
   */
  public static BufferedReader reader(Path file, int bufferSize) {
    requireFile(file);
    try {
      InputStream in = Files.newInputStream(file);
      byte[] head = in.readNBytes(4);
      int skip = bom(head, 0, head.length, file.toString());
      InputStream rest =
          new java.io.SequenceInputStream(
              new java.io.ByteArrayInputStream(head, skip, head.length - skip), in);
      return new Utf8LineReader(rest, bufferSize);
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "", "cannot be read: " + e.getMessage());
    }
  }

  /**
   * What to report when reading line {@code lineNumber} of {@code source} failed: bytes that are
   * not UTF-8, or another read error.
   */
  public static InvalidInputException lineError(String source, int lineNumber, IOException e) {
    if (e instanceof MalformedInputException || e instanceof CharacterCodingException) {
      return new InvalidInputException(
          source + ":" + lineNumber, "", "is not UTF-8 text (save the file as UTF-8)");
    }
    return new InvalidInputException(source, "", "cannot be read: " + e.getMessage());
  }

  /** Whether {@code line} holds a NUL character: binary content, never text. */
  public static boolean isBinary(CharSequence line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '\u0000') {
        return true;
      }
    }
    return false;
  }

  /** The bad input for binary content at {@code line}. */
  public static InvalidInputException binary(String source, int line) {
    return new InvalidInputException(
        source, "", "is binary, not text (a NUL byte on line " + line + ")");
  }

  /** Bytes to skip for a UTF-8 byte-order mark; UTF-16 and UTF-32 marks are bad input. */
  private static int bom(byte[] b, int off, int len, String source) {
    if (len >= 3
        && (b[off] & 0xFF) == 0xEF
        && (b[off + 1] & 0xFF) == 0xBB
        && (b[off + 2] & 0xFF) == 0xBF) {
      return 3;
    }
    if (len >= 4
        && ((b[off] == 0
                && b[off + 1] == 0
                && (b[off + 2] & 0xFF) == 0xFE
                && (b[off + 3] & 0xFF) == 0xFF)
            || ((b[off] & 0xFF) == 0xFF
                && (b[off + 1] & 0xFF) == 0xFE
                && b[off + 2] == 0
                && b[off + 3] == 0))) {
      throw new InvalidInputException(
          source, "", "is UTF-32 text (it starts with a UTF-32 byte-order mark); save it as UTF-8");
    }
    if (len >= 2
        && (((b[off] & 0xFF) == 0xFE && (b[off + 1] & 0xFF) == 0xFF)
            || ((b[off] & 0xFF) == 0xFF && (b[off + 1] & 0xFF) == 0xFE))) {
      throw new InvalidInputException(
          source, "", "is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8");
    }
    return 0;
  }

  private static InvalidInputException notUtf8(String source, int line, byte b) {
    return new InvalidInputException(
        source,
        "",
        String.format(
            Locale.ROOT,
            "is not UTF-8 text (byte 0x%02X on line %d; Latin-1 or binary?); save it as UTF-8",
            b & 0xFF,
            line));
  }

  /** The offset of the first byte that does not decode as UTF-8. */
  private static int firstBadByte(byte[] bytes, int start) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    return r.isError() ? in.position() : Math.max(start, bytes.length - 1);
  }

  private static int lineOf(byte[] bytes, int start, int at) {
    int line = 1;
    for (int i = start; i < at && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static int lineOf(String text, int at) {
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
