package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hwplan.io.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  @Test
  void aMissingFileIsAnEmptyHistory(@TempDir Path dir) {
    assertThat(History.read(dir.resolve("none.jsonl"))).isEmpty();
  }

  @Test
  void appendAddsOneLineAndKeepsTheOldBytes(@TempDir Path dir) throws Exception {
    Path h = dir.resolve("h.jsonl");
    List<RunRecord> runs = SyntheticRuns.history("kv.calculator", 1e-6, 3, 1);
    History.append(h, runs.get(0));
    History.append(h, runs.get(1));
    String before = Files.readString(h);
    History.append(h, runs.get(2));
    String after = Files.readString(h);
    assertThat(after).startsWith(before);
    assertThat(after.substring(before.length())).isEqualTo(runs.get(2).toJsonLine() + "\n");
    assertThat(History.read(h)).containsExactlyElementsOf(runs);
  }

  @Test
  void appendWritesInPlaceAndLeavesNoOtherFile(@TempDir Path dir) throws Exception {
    Path h = dir.resolve("h.jsonl");
    List<RunRecord> runs = SyntheticRuns.history("kv.calculator", 1e-6, 2, 2);
    History.append(h, runs.get(0));
    Object inodeBefore = Files.getAttribute(h, "unix:ino");
    History.append(h, runs.get(1));
    // The same file, appended to (no copy renamed over it, which would drop a concurrent
    // writer's record, replace a symbolic link and reset the mode).
    assertThat(Files.getAttribute(h, "unix:ino")).isEqualTo(inodeBefore);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("h.jsonl");
    }
  }

  @Test
  void appendToAFileWithoutAFinalNewlineStartsANewLine(@TempDir Path dir) throws Exception {
    Path h = dir.resolve("h.jsonl");
    List<RunRecord> runs = SyntheticRuns.history("kv.calculator", 1e-6, 2, 3);
    Files.writeString(h, runs.get(0).toJsonLine());
    History.append(h, runs.get(1));
    assertThat(History.read(h)).containsExactlyElementsOf(runs);
  }

  @Test
  void aBadLineNamesTheFileTheLineAndTheField(@TempDir Path dir) throws Exception {
    Path h = dir.resolve("h.jsonl");
    List<RunRecord> runs = SyntheticRuns.history("kv.calculator", 1e-6, 2, 4);
    String bad =
        runs.get(1).toJsonLine().replaceFirst("\"value\":[0-9.eE-]+", "\"value\":\"fast\"");
    Files.writeString(h, runs.get(0).toJsonLine() + "\n\n" + bad + "\n");
    assertThatThrownBy(() -> History.read(h))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(h + " line 3: ")
        .hasMessageContaining("benchmarks[0].value");
  }

  @Test
  void truncatedJsonNamesTheLine(@TempDir Path dir) throws Exception {
    Path h = dir.resolve("h.jsonl");
    RunRecord r = SyntheticRuns.history("kv.calculator", 1e-6, 1, 5).get(0);
    String line = r.toJsonLine();
    Files.writeString(h, line + "\n" + line.substring(0, line.length() / 2) + "\n");
    assertThatThrownBy(() -> History.read(h))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(h + " line 2: ")
        .hasMessageContaining("end-of-input")
        .hasMessageNotContaining("REDACTED");
  }
}
