package dev.hwplan.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
  @TempDir Path dir;

  /** The pid of a process that has ended: a child that ran and exited. */
  private static long endedPid() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long pid = p.pid();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    return pid;
  }

  /** A staging name as {@link Staging} writes it, for another owner. */
  private static String name(String owner) {
    return Staging.PREFIX + owner + "-" + "abc123";
  }

  @Test
  void stagingNamesAreRecognisableAndCarryThisProcess() throws Exception {
    Path f = Staging.newFile(dir);
    Path d = Staging.newDirectory(dir);
    for (Path p : new Path[] {f, d}) {
      String n = p.getFileName().toString();
      assertThat(n).startsWith(Staging.PREFIX);
      assertThat(Staging.isStagingName(n)).isTrue();
      assertThat(n).contains("-" + ProcessHandle.current().pid() + "-");
    }
    assertThat(f).isRegularFile();
    assertThat(d).isDirectory();
    assertThat(Staging.isStagingName(".hwplan-staging-x")).isFalse();
    assertThat(Staging.isStagingName("report.md")).isFalse();
  }

  @Test
  void removesLeftoversOfEndedProcessesOnlyAndNothingElse() throws Exception {
    String me = Staging.owner(ProcessHandle.current());
    String host = me.substring(0, me.indexOf('-'));
    String startOfMine = me.substring(me.lastIndexOf('-') + 1);
    long ended = endedPid();
    // A killed run's folder (with files in it) and a temporary file: removed.
    Path deadDir = Files.createDirectory(dir.resolve(name(host + "-" + ended + "-" + startOfMine)));
    Files.createDirectories(deadDir.resolve("charts"));
    Files.write(deadDir.resolve("charts/big.png"), new byte[4096]);
    Path deadFile = Files.createFile(dir.resolve(name(host + "-" + ended + "-0")));
    // This very pid, but started at another time: the pid was reused, so the owner has ended.
    Path reused =
        Files.createDirectory(dir.resolve(name(host + "-" + ProcessHandle.current().pid() + "-1")));
    // A running process's (this one's) staging folder: kept.
    Path live = Staging.newDirectory(dir);
    Files.writeString(live.resolve("index.html"), "half-written");
    // The same ended pid on another host (a shared folder): its pid means nothing here, kept.
    Path otherHost = Files.createDirectory(dir.resolve(name("zzzz-" + ended + "-0")));
    // Other hidden folders, look-alikes and a link: kept.
    Path hidden = Files.createDirectory(dir.resolve(".git"));
    Path lookalike = Files.createDirectory(dir.resolve(".hwplan-staging-notes"));
    Path oldStyle = Files.createDirectory(dir.resolve(".hwplan-report.new-123"));
    Path target = Files.createDirectory(dir.resolve("precious"));
    Files.writeString(target.resolve("keep.txt"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve(name(host + "-" + ended + "-1")), target);

    assertThat(Staging.removeLeftovers(dir)).containsExactlyInAnyOrder(deadDir, deadFile, reused);

    assertThat(deadDir).doesNotExist();
    assertThat(deadFile).doesNotExist();
    assertThat(reused).doesNotExist();
    assertThat(live.resolve("index.html")).hasContent("half-written");
    for (Path kept : new Path[] {otherHost, hidden, lookalike, oldStyle, target}) {
      assertThat(kept).isDirectory();
    }
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(target.resolve("keep.txt")).hasContent("keep");
  }

  @Test
  void aFolderThatCannotBeListedIsNoError() {
    assertThat(Staging.removeLeftovers(dir.resolve("missing"))).isEmpty();
  }
}
