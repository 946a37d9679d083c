package dev.hwplan.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * The workload the {@code hwplan} launcher runs once, under {@code -XX:DumpLoadedClassList}, to
 * build the class-data-sharing archive that later short commands start from: a few quick commands,
 * each through the same path as a real run ({@link Hwplan#execute(PrintWriter, PrintWriter,
 * String[])}: the quick path where it applies), and each once more through picocli's annotated tree
 * (the path of every other command and of bad input), their output discarded, each after the {@link
 * QuickPrefetch} that {@link Hwplan#main} starts for it. The archive then holds the classes these
 * commands load, parsed and verified, so that {@code hwplan --version}, {@code kv} or {@code infer}
 * skip that work. Not a user command: {@code java -cp hwplan.jar dev.hwplan.cli.StartupTraining}.
 */
public final class StartupTraining {
  /**
   * The commands run, chosen to load what the quick commands load (text and JSON output), each
   * written as typed (its words split at single spaces).
   */
  static final List<String> COMMANDS =
      List.of(
          "--version",
          "kv --model llama-3.1-70b --context 131072",
          "kv --model deepseek-v3 --context 4096 --compare --json",
          "infer --model llama-3.1-8b --gpu h100-sxm --batch 8 --prompt 1024 --output 256",
          "infer --model llama-3.1-8b --gpu h100-sxm --prompt 128 --output 16 --json",
          "memory --model llama-3.1-70b --gpu h100-sxm --context 8192",
          "profiles list",
          "models list",
          "predict gemm --gpu h100-sxm --m 64 --n 4096 --k 4096",
          "kv --help");

  private StartupTraining() {}

  /**
   * Runs {@link #COMMANDS} with their output discarded; exits 0 when every one succeeded, else 1
   * (the launcher then uses no archive).
   */
  public static void main(String[] args) {
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), true);
    int failed = 0;
    for (String c : COMMANDS) {
      String[] a = c.split(" ");
      Thread prefetch = QuickPrefetch.start(a);
      if (prefetch != null) {
        try {
          prefetch.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (Hwplan.execute(sink, sink, a) != Hwplan.OK
          || Hwplan.commandLine(sink, sink, a).execute(a) != Hwplan.OK) {
        failed++;
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }
}
