package dev.hwplan.regress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers appending to one history at once, as two CI jobs on one machine do: every record
 * must be there exactly once, on a line of its own that parses. (Before the appends were locked,
 * two {@code hwplan regress} loops of 20 runs each kept 36 and 37 of their 40 records.)
 */
class HistoryConcurrencyTest {
  @TempDir Path dir;

  /** Every line parses; returns how many times each commit appears. */
  private static Map<String, Integer> commits(Path history) throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8);
    for (String line : lines) {
      assertThat(line).as("no blank or torn lines").startsWith("{").endsWith("}");
    }
    for (RunRecord r : History.read(history)) {
      seen.merge(r.commit(), 1, Integer::sum);
    }
    assertThat(seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(lines.size());
    return seen;
  }

  private static void assertEveryRecordOnce(Map<String, Integer> seen, int writers, int each) {
    assertThat(seen).hasSize(writers * each);
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < each; i++) {
        assertThat(seen.get("w" + w + "-" + i)).as("w" + w + "-" + i).isEqualTo(1);
      }
    }
  }

  @Test
  void eightThreadsAppendingTwentyFiveRecordsEachLoseNothing() throws Exception {
    Path h = dir.resolve("history.jsonl");
    int threads = 8;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String writer = "w" + t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    History.append(h, HistoryAppender.record(writer, i));
                    if (i % 5 == 0) {
                      History.read(h); // readers in between, as regress reads before appending
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEveryRecordOnce(commits(h), threads, each);
  }

  @Test
  void separateProcessesAppendingAtOnceLoseNothing() throws Exception {
    Path h = dir.resolve("history.jsonl");
    int processes = 3;
    int each = 20;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Process> running = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      running.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  classpath,
                  HistoryAppender.class.getName(),
                  h.toString(),
                  "w" + p,
                  Integer.toString(each))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("appender-" + p + ".log").toFile())
              .start());
    }
    for (int p = 0; p < processes; p++) {
      Process proc = running.get(p);
      assertThat(proc.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(proc.exitValue())
          .as(Files.readString(dir.resolve("appender-" + p + ".log")))
          .isZero();
    }
    assertEveryRecordOnce(commits(h), processes, each);
  }

  @Test
  void aSymbolicLinkStaysALinkAndTheFileKeepsItsModeAndInode() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Path real = shared.resolve("history.jsonl");
    History.append(real, HistoryAppender.record("w0", 0));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-rw-r--"));
    Object inode = Files.getAttribute(real, "unix:ino");
    Path link =
        Files.createSymbolicLink(dir.resolve("history.jsonl"), Path.of("shared/history.jsonl"));
    History.append(link, HistoryAppender.record("w0", 1));
    History.append(link, HistoryAppender.record("w0", 2));
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("shared/history.jsonl"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(real)))
        .isEqualTo("rw-rw-r--");
    assertThat(Files.getAttribute(real, "unix:ino")).isEqualTo(inode);
    assertEveryRecordOnce(commits(real), 1, 3);
    try (var files = Files.list(shared)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("history.jsonl");
    }
  }

  @Test
  void aNewHistoryGetsTheUmask() throws Exception {
    Path control = Files.createFile(dir.resolve("control"));
    Path h = dir.resolve("new.jsonl");
    History.append(h, HistoryAppender.record("w0", 0));
    assertThat(Files.getPosixFilePermissions(h)).isEqualTo(Files.getPosixFilePermissions(control));
  }
}
