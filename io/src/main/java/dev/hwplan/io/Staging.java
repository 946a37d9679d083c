package dev.hwplan.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden entries hwplan writes next to an output before renaming them into place: {@code
 * .hwplan-staging-<host>-<pid>-<start>-<random>}, where {@code host} (a hash of the host name),
 * {@code pid} and {@code start} (the process's start time in milliseconds; {@code 0} when the
 * platform does not say) name the process that owns it, all in base 36.
 *
 * <p>They are created with ordinary file creation ({@link Files#createFile}, {@link
 * Files#createDirectory}), so the user's umask applies, unlike {@link Files#createTempFile}, which
 * makes owner-only files. A run that is killed leaves its staging entry behind (a half-written
 * report can be tens of MB); {@link #removeLeftovers} removes those whose owner is no longer
 * running, and never anything else. Entries made on another host (a shared or network folder, a
 * container with its own host name) are left alone, since their pid means nothing here.
 */
public final class Staging {
  /** The start of every staging entry's name. */
  public static final String PREFIX = ".hwplan-staging-";

  private static final Pattern NAME =
      Pattern.compile(
          Pattern.quote(PREFIX) + "([0-9a-z]{1,13})-([0-9]{1,19})-([0-9a-z]{1,13})-[0-9a-z]{1,13}");
  private static final String HOST = Long.toString(hostName().hashCode() & 0xffffffffL, 36);
  private static final String OWNER = owner(ProcessHandle.current());

  private Staging() {}

  /** Creates an empty staging file in {@code dir} (mode: 0666 less the umask). */
  public static Path newFile(Path dir) throws IOException {
    return create(dir, Files::createFile);
  }

  /** Creates an empty staging folder in {@code dir} (mode: 0777 less the umask). */
  public static Path newDirectory(Path dir) throws IOException {
    return create(dir, Files::createDirectory);
  }

  /** How an entry is created: {@link Files#createFile} or {@link Files#createDirectory}. */
  private interface Creator {
    Path create(Path p, FileAttribute<?>... attributes) throws IOException;
  }

  /** Creates an entry of a fresh name in {@code dir}, trying other names while one exists. */
  private static Path create(Path dir, Creator creator) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return creator.create(dir.resolve(newName()));
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /**
   * Checks that hwplan can create its staging entries in {@code dir} by creating one and removing
   * it again.
   *
   * @throws IOException when it cannot (read-only file system, no permission, not a folder)
   */
  public static void probe(Path dir) throws IOException {
    Files.delete(newDirectory(dir));
  }

  /** Whether {@code name} is a staging entry's name. */
  public static boolean isStagingName(String name) {
    return NAME.matcher(name).matches();
  }

  /**
   * Removes the staging entries in {@code dir} whose owning process has ended (its pid is not
   * running, or is running with another start time, i.e. was reused). Entries of running processes
   * (this one included), symbolic links and every other name are left alone. Best effort: what
   * cannot be removed stays, and nothing is thrown.
   *
   * @return the entries removed
   */
  public static List<Path> removeLeftovers(Path dir) {
    List<Path> removed = new ArrayList<>();
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path p : entries) {
        candidates.add(p);
      }
    } catch (IOException | UncheckedIOException e) {
      return removed;
    }
    for (Path p : candidates) {
      Matcher m = NAME.matcher(p.getFileName().toString());
      if (!m.matches()
          || !m.group(1).equals(HOST)
          || Files.isSymbolicLink(p)
          || ownerRunning(m.group(2), m.group(3))) {
        continue;
      }
      try {
        deleteTree(p);
        removed.add(p);
      } catch (IOException | UncheckedIOException e) {
        // left for a later run; a leftover costs space, never correctness
      }
    }
    return removed;
  }

  /**
   * Deletes {@code path} and, when it is a folder, everything in it. Symbolic links are deleted,
   * never followed. A path that does not exist is not an error.
   */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * A short reason for a failed file operation, for a one-line message: "permission denied",
   * "Read-only file system", "no such file or folder", or the exception's own words.
   */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** A staging name of this process: its pid, its start time and a random part. */
  static String newName() {
    long random = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    return PREFIX + OWNER + "-" + Long.toString(random, 36);
  }

  /** {@code <host>-<pid>-<start>} for process {@code p} of this host. */
  static String owner(ProcessHandle p) {
    return HOST + "-" + p.pid() + "-" + start(p);
  }

  /**
   * This machine's host name, read without a network lookup (the kernel's on Linux, else the
   * environment); {@code ""} when neither says.
   */
  private static String hostName() {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel).strip();
      }
    } catch (IOException | UncheckedIOException e) {
      // fall through to the environment
    }
    String env = System.getenv("HOSTNAME");
    if (env == null) {
      env = System.getenv("COMPUTERNAME");
    }
    return env == null ? "" : env.strip();
  }

  private static String start(ProcessHandle p) {
    return p.info()
        .startInstant()
        .map(i -> Long.toString(Math.max(0, i.toEpochMilli()), 36))
        .orElse("0")
        .toLowerCase(Locale.ROOT);
  }

  private static boolean ownerRunning(String pidText, String startText) {
    long pid;
    try {
      pid = Long.parseLong(pidText);
    } catch (NumberFormatException e) {
      return true; // not a name this class wrote: leave it
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        // a known start time that differs means the pid was reused: the owner has ended
        .map(p -> startText.equals("0") || start(p).equals("0") || start(p).equals(startText))
        .orElse(false);
  }
}
