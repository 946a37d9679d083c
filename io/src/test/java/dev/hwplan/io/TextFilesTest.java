package dev.hwplan.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What users hand hwplan is UTF-8 text, or one line saying what it is instead. */
class TextFilesTest {
  @TempDir Path dir;

  private Path file(byte[] bytes) throws IOException {
    return Files.write(dir.resolve("in.json"), bytes);
  }

  @Test
  void utf8WithOrWithoutAByteOrderMarkIsRead() throws IOException {
    assertThat(TextFiles.read(file("caf\u00e9\n".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("caf\u00e9\n");
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'x'};
    assertThat(TextFiles.read(file(bom))).isEqualTo("x");
  }

  @Test
  void utf16AndLatin1AndBinaryAreRefusedNamingTheFileAndLine() throws IOException {
    Path f = file("{}".getBytes(StandardCharsets.UTF_16));
    assertThatThrownBy(() -> TextFiles.read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            f + ": is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8");
    Path latin1 = file("a\nb\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> TextFiles.read(latin1))
        .hasMessage(
            latin1
                + ": is not UTF-8 text (byte 0xE9 on line 3; Latin-1 or binary?); save it as"
                + " UTF-8");
    Path nul = file(new byte[] {'a', '\n', 'b', 0, 'c'});
    assertThatThrownBy(() -> TextFiles.read(nul))
        .hasMessage(nul + ": is binary, not text (a NUL byte on line 2)");
  }

  @Test
  void aFolderOrAMissingFileIsNamed() {
    assertThatThrownBy(() -> TextFiles.read(dir)).hasMessage(dir + ": is a folder, not a file");
    Path gone = dir.resolve("gone.csv");
    assertThatThrownBy(() -> TextFiles.read(gone)).hasMessage(gone + ": no such file");
  }

  @Test
  void theLineReaderReportsABadByteOnItsOwnLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      sb.append("{\"op\":\"gemm\",\"m\":").append(i).append("}\r\n");
    }
    byte[] good = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[good.length + 3];
    System.arraycopy(good, 0, bytes, 0, good.length);
    bytes[good.length] = (byte) 0xE9; // line 5001, after 64 KiB buffers' worth of good lines
    bytes[good.length + 1] = '\n';
    bytes[good.length + 2] = 'z';
    Path f = file(bytes);
    List<String> lines = new ArrayList<>();
    int n = 0;
    try (BufferedReader r = TextFiles.reader(f, 1 << 12)) {
      for (String line; ; ) {
        try {
          line = r.readLine();
        } catch (IOException e) {
          assertThat(TextFiles.lineError(f.toString(), n + 1, e))
              .hasMessage(f + ":5001: is not UTF-8 text (save the file as UTF-8)");
          break;
        }
        n++;
        lines.add(line);
      }
    }
    assertThat(lines).hasSize(5000).startsWith("{\"op\":\"gemm\",\"m\":0}");
  }

  @Test
  void theLineReaderSplitsLikeBufferedReader() throws IOException {
    String text = "\u00e9t\u00e9\r\n\nlast without newline";
    Path f = file(text.getBytes(StandardCharsets.UTF_8));
    try (BufferedReader r = TextFiles.reader(f, 3)) {
      assertThat(Stream.generate(() -> next(r)).takeWhile(l -> l != null).toList())
          .containsExactly("\u00e9t\u00e9", "", "last without newline");
    }
    Path bom = file("{}".getBytes(StandardCharsets.UTF_16LE));
    Files.write(bom, new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0});
    assertThatThrownBy(() -> TextFiles.reader(bom, 16)).hasMessageContaining("is UTF-16 text");
  }

  private static String next(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void heldOutputReachesTheTargetOnlyOnCommit_inMemoryOrSpilled() throws IOException {
    String piece = "{\"seconds\":1.5e-6,\"note\":\"\u00e9 \ud83d\ude00\"}\n";
    for (long memory : new long[] {1 << 20, 100}) {
      StringWriter target = new StringWriter();
      try (HeldOutput held = new HeldOutput(memory)) {
        char[] c = piece.toCharArray();
        for (int i = 0; i < 20_000; i++) {
          // Split each piece inside the surrogate pair, as a writer's buffer boundary may.
          int cut = piece.indexOf('\ude00');
          held.write(c, 0, cut);
          held.write(piece, cut, c.length - cut);
        }
        held.flush();
        assertThat(target.toString()).isEmpty();
        held.commit(target);
      }
      assertThat(target.toString()).isEqualTo(piece.repeat(20_000));
    }
  }

  @Test
  void aBundledListIsItsStrippedLinesWithoutBlanksAndComments() throws IOException {
    byte[] text = "# models\r\nllama-3.1-8b\r\n\n  gemma-2-9b  \n#x\nqwen3-8b".getBytes(UTF_8);
    assertThat(TextFiles.listed(new java.io.ByteArrayInputStream(text)))
        .containsExactly("llama-3.1-8b", "gemma-2-9b", "qwen3-8b");
  }

  @Test
  void aBundledListMissingFromTheJarIsABrokenBuildNamingIt() {
    assertThatThrownBy(() -> TextFiles.listedResource(TextFiles.class, "/none/catalog.txt"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("none/catalog.txt missing from the jar");
  }

  @Test
  void aBundledResourceIsItsBytesAndAMissingOneIsNull() {
    assertThat(TextFiles.bundledBytes(TextFiles.class, "/none/x.yaml", "x")).isNull();
    assertThat(TextFiles.bundledBytes(TextFiles.class, "TextFiles.class", "x")).isNotEmpty();
  }
}
