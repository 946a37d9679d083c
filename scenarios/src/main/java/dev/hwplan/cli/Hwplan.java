package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hwplan} command line. Exit codes follow the CLI contract: 0 success, 1 a regression or
 * check failed, 2 bad input (one line naming the file, the field and the reason).
 */
@Command(
    name = "hwplan",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Hardware-aware LLM planning: memory, loss, latency and cost before you buy GPUs.",
    subcommands = {
      ProfilesCommand.class,
      ModelsCommand.class,
      KvCommand.class,
      MemoryCommand.class,
      ScalingCommand.class,
      MeasureCommand.class,
      PredictCommand.class,
      InferCommand.class,
      ServeCommand.class,
      RunCommand.class,
      BenchCommand.class,
      RegressCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Hwplan implements Runnable {
  /** Exit code for success. */
  public static final int OK = 0;

  /** Exit code when a regression or check failed. */
  public static final int CHECK_FAILED = 1;

  /** Exit code for bad input. */
  public static final int BAD_INPUT = 2;

  /** Exit code for a bug in hwplan itself. */
  public static final int INTERNAL_ERROR = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the main job writes its report (default: hwplan-report).")
  java.nio.file.Path out;

  @CommandLine.Option(
      names = "--quick",
      description =
          "Main job: measure as little as possible (the CPU section takes its smoke path).")
  boolean quick;

  @CommandLine.Mixin ProfilesOption profiles;
  @CommandLine.Mixin JsonOutput json;

  /** With no subcommand: the main job, the bundled default scenario written as a report. */
  @Override
  public void run() {
    RunCommand.execute(
        spec,
        dev.hwplan.scenario.Scenario.bundled("default.yaml"),
        out,
        quick,
        profiles,
        json.enabled());
  }

  public static void main(String[] args) {
    // Tablesaw's SLF4J finds no binding in the jar; say nothing about it.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    System.exit(execute(args));
  }

  /** Runs the CLI with the process's standard streams and returns the exit code. */
  public static int execute(String... args) {
    return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
        .execute(args);
  }

  /** A configured command line writing to the given streams (tests pass their own). */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Hwplan());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          Throwable t = ex;
          while (!(t instanceof InvalidInputException)
              && t.getCause() != null
              && t.getCause() != t) {
            t = t.getCause();
          }
          if (t instanceof InvalidInputException bad) {
            e.println("hwplan: error: " + bad.getMessage());
            e.flush();
            return BAD_INPUT;
          }
          e.println("hwplan: internal error: " + ex);
          if (System.getenv("HWPLAN_DEBUG") != null) {
            ex.printStackTrace(e);
          } else {
            e.println("(set HWPLAN_DEBUG=1 for the stack trace, and please report it)");
          }
          e.flush();
          return INTERNAL_ERROR;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter e = ex.getCommandLine().getErr();
          e.println("hwplan: error: " + ex.getMessage());
          e.println("Try 'hwplan " + commandPath(ex.getCommandLine()) + "--help' for usage.");
          e.flush();
          return BAD_INPUT;
        });
    return cl;
  }

  private static String commandPath(CommandLine cl) {
    StringBuilder sb = new StringBuilder();
    CommandLine c = cl;
    java.util.Deque<String> names = new java.util.ArrayDeque<>();
    while (c != null && c.getParent() != null) {
      names.push(c.getCommandName());
      c = c.getParent();
    }
    for (String n : names) {
      sb.append(n).append(' ');
    }
    return sb.toString();
  }
}
