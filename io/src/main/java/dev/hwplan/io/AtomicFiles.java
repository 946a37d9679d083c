package dev.hwplan.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * Writes files so that a reader never sees half of one: the bytes go to a {@link Staging} file in
 * the same folder, which is then renamed over the target. This is the one place hwplan writes a
 * file by temporary file and rename.
 *
 * <ul>
 *   <li>A new file gets the user's umask (created as {@link Files#createFile} creates files), and a
 *       replaced file keeps its mode.
 *   <li>A target that is a symbolic link stays one: the file it points to is replaced.
 *   <li>The target's folder must exist: nothing is created that the caller did not ask for.
 *   <li>Staging files that a killed run left in that folder are removed first ({@link
 *       Staging#removeLeftovers}).
 * </ul>
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
  public static void writeString(Path target, String text) {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code bytes} to {@code target}, atomically.
   *
   * @throws UncheckedIOException when it cannot, e.g. because the folder does not exist; the target
   *     is then as it was
   */
  public static void write(Path target, byte[] bytes) {
    try {
      Path file = throughLinks(target);
      Path dir = file.getParent();
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "the folder does not exist");
      }
      Staging.removeLeftovers(dir);
      Path tmp = Staging.newFile(dir);
      try {
        Files.write(tmp, bytes);
        keepMode(file, tmp);
        move(tmp, file);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /**
   * Gives {@code fresh} the POSIX permissions of {@code existing} when {@code existing} is there (a
   * file about to be replaced by {@code fresh}); otherwise, or on a file system without POSIX
   * permissions, leaves {@code fresh} as it was created.
   */
  public static void keepMode(Path existing, Path fresh) throws IOException {
    if (!Files.exists(existing)
        || Files.getFileAttributeView(fresh, PosixFileAttributeView.class) == null) {
      return;
    }
    Files.setPosixFilePermissions(fresh, Files.getPosixFilePermissions(existing));
  }

  /**
   * The absolute path that writing to {@code target} should replace: {@code target} itself, or,
   * when it is a symbolic link, the file the link points to (which may not exist yet).
   */
  public static Path throughLinks(Path target) throws IOException {
    Path p = target.toAbsolutePath().normalize();
    for (int hops = 0; Files.isSymbolicLink(p); hops++) {
      if (hops > 40) {
        throw new IOException(target + ": too many levels of symbolic links");
      }
      p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
    }
    if (p.getParent() == null) {
      throw new IOException(target + " is the root folder");
    }
    return p;
  }

  /** Renames {@code source} to {@code target}, atomically where the file system allows. */
  public static void move(Path source, Path target) throws IOException {
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
