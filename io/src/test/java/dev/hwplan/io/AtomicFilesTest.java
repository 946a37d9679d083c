package dev.hwplan.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POSIX file systems (Linux, macOS): modes, links and what is left in the folder. */
class AtomicFilesTest {
  @TempDir Path dir;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private String[] names() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void aNewFileGetsTheUmaskLikeAnyNewFileNotOwnerOnly() throws Exception {
    Path control = Files.createFile(dir.resolve("control"));
    AtomicFiles.writeString(dir.resolve("new.json"), "{}\n");
    assertThat(dir.resolve("new.json")).hasContent("{}");
    // Files.createTempFile would have made it rw------- whatever the umask.
    assertThat(mode(dir.resolve("new.json"))).isEqualTo(mode(control));
  }

  @Test
  void aReplacedFileKeepsItsMode() throws Exception {
    Path f = dir.resolve("fit.json");
    Files.writeString(f, "old");
    for (String m : new String[] {"rw-r-----", "rw-rw-rw-", "r--------"}) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(m));
      AtomicFiles.writeString(f, "new " + m);
      assertThat(f).hasContent("new " + m);
      assertThat(mode(f)).isEqualTo(m);
    }
    assertThat(names()).containsExactly("fit.json");
  }

  @Test
  void aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path target = Files.writeString(real.resolve("run.json"), "old");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
    Path link = Files.createSymbolicLink(dir.resolve("run.json"), Path.of("real", "run.json"));
    AtomicFiles.writeString(link, "new");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("real", "run.json"));
    assertThat(target).hasContent("new");
    assertThat(mode(target)).isEqualTo("rw-r-----");
    try (Stream<Path> s = Files.list(real)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("run.json");
    }
  }

  @Test
  void aMissingFolderIsNotCreated() throws Exception {
    Path f = dir.resolve("no/such/folder/fit.json");
    assertThatThrownBy(() -> AtomicFiles.writeString(f, "x"))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(NoSuchFileException.class);
    assertThat(dir.resolve("no")).doesNotExist();
  }

  @Test
  void leavesNoStagingFileAndRemovesALeftoverOfAnEndedRun() throws Exception {
    String me = Staging.owner(ProcessHandle.current());
    String host = me.substring(0, me.indexOf('-'));
    // pid 0 is never a process hwplan runs as: an ended owner
    Path leftover = Files.writeString(dir.resolve(Staging.PREFIX + host + "-0-0-zz"), "half");
    AtomicFiles.writeString(dir.resolve("a.json"), "a");
    assertThat(names()).containsExactly("a.json");
    assertThat(leftover).doesNotExist();
  }
}
