package dev.hwplan.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * Lines of a UTF-8 stream, split on the bytes and decoded one line at a time, so that a line that
 * is not UTF-8 fails when that line is read (with its own number at the caller), not when a decoder
 * reading ahead meets it. Pure-ASCII lines, the usual case, skip the decoder. Only {@link
 * #readLine()} and {@link #close()} are supported.
 */
final class Utf8LineReader extends BufferedReader {
  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int lim;
  private boolean eof;
  private byte[] line = new byte[256];
  private final CharsetDecoder strict =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  Utf8LineReader(InputStream in, int bufferSize) {
    super(Reader.nullReader(), 1);
    this.in = in;
    this.buf = new byte[bufferSize];
  }

  /**
   * The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end.
   *
   * @throws MalformedInputException when the line is not UTF-8
   */
  @Override
  public String readLine() throws IOException {
    int len = 0;
    boolean any = false;
    while (true) {
      if (pos == lim) {
        if (eof || !fill()) {
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      int start = pos;
      int end = start;
      while (end < lim && buf[end] != '\n') {
        end++;
      }
      int n = end - start;
      if (len + n > line.length) {
        line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, len + n));
      }
      System.arraycopy(buf, start, line, len, n);
      len += n;
      if (end < lim) {
        pos = end + 1;
        break;
      }
      pos = lim;
    }
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    for (int i = 0; i < len; i++) {
      if (line[i] < 0) {
        try {
          return strict.decode(ByteBuffer.wrap(line, 0, len)).toString();
        } catch (CharacterCodingException e) {
          throw new MalformedInputException(len);
        }
      }
    }
    return new String(line, 0, len, StandardCharsets.ISO_8859_1);
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = true;
      pos = lim = 0;
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  @Override
  public int read() {
    throw new UnsupportedOperationException("only readLine");
  }

  @Override
  public int read(char[] cbuf, int off, int len) {
    throw new UnsupportedOperationException("only readLine");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
