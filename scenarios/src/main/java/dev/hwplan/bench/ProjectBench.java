package dev.hwplan.bench;

import dev.hwplan.regress.BenchmarkResult;
import dev.hwplan.regress.RunRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@link ProjectBenchmark}s and names the run: commit, machine and date. */
public final class ProjectBench {
  /** Called before each benchmark and once at the end ({@code done == total}). */
  @FunctionalInterface
  public interface Progress {
    void at(String benchmark, int done, int total);
  }

  private ProjectBench() {}

  /** Runs {@code which} in order and returns the run record. */
  public static RunRecord run(
      List<ProjectBenchmark> which,
      BenchSettings settings,
      String commit,
      String machine,
      String date,
      Progress progress) {
    List<BenchmarkResult> results = new ArrayList<>();
    for (int i = 0; i < which.size(); i++) {
      progress.at(which.get(i).id(), i, which.size());
      results.add(which.get(i).run(settings));
    }
    progress.at("done", which.size(), which.size());
    return new RunRecord(commit, machine, date, results);
  }

  /**
   * {@code git rev-parse --short HEAD} in {@code dir}, or null where git or a repository is missing
   * (an unpacked release, say).
   */
  public static String gitCommit(Path dir) {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .directory(dir.toFile())
              .redirectErrorStream(false)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroy();
        return null;
      }
      return p.exitValue() == 0 && out.matches("[0-9a-f]{4,40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The host name and core count, e.g. {@code build-7-2cpu}: timings only compare within one. */
  public static String machine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "unknown-host");
    }
    return host + "-" + Runtime.getRuntime().availableProcessors() + "cpu";
  }
}
