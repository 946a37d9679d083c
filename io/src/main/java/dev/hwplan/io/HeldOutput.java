package dev.hwplan.io;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Output held back until the work that produces it has succeeded, so that a failure part-way leaves
 * nothing on the real output but the error. The text is kept as UTF-8 bytes (ASCII, the usual case,
 * one byte a character), in memory up to {@code memoryBytes} and beyond that in a temporary file
 * (deleted on {@link #close()}); {@link #commit(Writer)} copies it all to the real output.
 */
public final class HeldOutput extends Writer {
  private static final int CHUNK = 1 << 16;

  private final long memoryBytes;
  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] chunk = new byte[CHUNK];
  private int used;
  private long held;
  private char pendingHigh;
  private Path spill;
  private OutputStream spillOut;

  /** Holds up to {@code memoryBytes} bytes in memory before it spills to a temporary file. */
  public HeldOutput(long memoryBytes) {
    this.memoryBytes = memoryBytes;
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    int end = off + len;
    for (int i = off; i < end; i++) {
      put(buf[i]);
    }
  }

  @Override
  public void write(String s, int off, int len) throws IOException {
    int end = off + len;
    for (int i = off; i < end; i++) {
      put(s.charAt(i));
    }
  }

  /** One character: ASCII straight into the chunk, anything else through {@link #encode}. */
  private void put(char c) throws IOException {
    if (c < 0x80 && pendingHigh == 0) {
      if (used == CHUNK) {
        nextChunk();
      }
      chunk[used++] = (byte) c;
    } else {
      encode(c);
    }
  }

  /** A character outside ASCII, or one that completes a surrogate pair split between writes. */
  private void encode(char c) throws IOException {
    String text;
    if (pendingHigh != 0) {
      text = new String(new char[] {pendingHigh, c});
      pendingHigh = 0;
    } else if (Character.isHighSurrogate(c)) {
      pendingHigh = c;
      return;
    } else {
      text = String.valueOf(c);
    }
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      if (used == CHUNK) {
        nextChunk();
      }
      chunk[used++] = b;
    }
  }

  private void nextChunk() throws IOException {
    held += used;
    if (spillOut != null) {
      spillOut.write(chunk, 0, used);
    } else {
      chunks.add(chunk);
      if (held > memoryBytes) {
        spill = Files.createTempFile("hwplan-output", ".tmp");
        spill.toFile().deleteOnExit();
        spillOut = new BufferedOutputStream(Files.newOutputStream(spill), CHUNK);
        for (byte[] b : chunks) {
          spillOut.write(b);
        }
        chunks.clear();
      }
      chunk = spillOut == null ? new byte[CHUNK] : chunk;
    }
    used = 0;
  }

  @Override
  public void flush() {
    // Nothing reaches the real output before commit.
  }

  /** Copies everything written so far to {@code target} and flushes it. */
  public void commit(Writer target) throws IOException {
    if (pendingHigh != 0) {
      encode('\uFFFD');
    }
    List<InputStream> parts = new ArrayList<>();
    if (spillOut != null) {
      spillOut.flush();
      parts.add(Files.newInputStream(spill));
    } else {
      for (byte[] b : chunks) {
        parts.add(new ByteArrayInputStream(b));
      }
    }
    parts.add(new ByteArrayInputStream(chunk, 0, used));
    char[] buf = new char[1 << 16];
    try (Reader r =
        new InputStreamReader(
            new SequenceInputStream(Collections.enumeration(parts)), StandardCharsets.UTF_8)) {
      for (int n; (n = r.read(buf)) > 0; ) {
        target.write(buf, 0, n);
      }
    }
    target.flush();
  }

  /** Drops what was held and deletes the temporary file, if any. */
  @Override
  public void close() {
    chunks.clear();
    chunk = null;
    try {
      if (spillOut != null) {
        spillOut.close();
        Files.deleteIfExists(spill);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      spillOut = null;
    }
  }
}
