package dev.hwplan.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.io.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the sweep-seam test shares with the executors' own tests (the distributed module's, through
 * this module's test jar): a scenario with bad points, the message a run reports for it, and the
 * byte-for-byte comparison of two written reports.
 */
public final class SweepFixtures {
  private SweepFixtures() {}

  /** A serve study whose points 1 and 2 (tp 3 and tp 5, line 7) are bad input. */
  public static final String BAD_POINTS =
      """
      title: Bad points
      studies:
        - kind: serve
          model: llama-3.1-8b
          qps: 4
          requests: 50
          tp: [1, 3, 5]
      """;

  /** The message of the bad input that running {@code s} on {@code r} reports. */
  public static String badInputMessage(ScenarioRunner r, Scenario s) {
    try {
      r.run(s, "test");
    } catch (InvalidInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("no bad input reported");
  }

  /**
   * Asserts that the files of {@code a} and {@code b} whose names end in one of {@code extensions}
   * are the same files, byte for byte, and that there are some.
   *
   * @return their names, relative to {@code a}, sorted
   */
  public static List<String> assertSameFiles(Path a, Path b, String... extensions)
      throws IOException {
    List<String> names = files(a, extensions);
    assertThat(names).isNotEmpty().isEqualTo(files(b, extensions));
    for (String f : names) {
      assertThat(Files.readAllBytes(b.resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(a.resolve(f)));
    }
    return names;
  }

  private static List<String> files(Path dir, String... extensions) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString())
          .filter(f -> Stream.of(extensions).anyMatch(f::endsWith))
          .sorted()
          .toList();
    }
  }
}
