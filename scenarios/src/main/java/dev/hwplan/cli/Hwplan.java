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
        "Hardware-aware LLM planning: memory, loss, latency and cost before you buy GPUs.")
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
      description =
          "Where the main job writes its report (default: hwplan-report); replaced only when it"
              + " is empty or a report hwplan wrote.")
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

  /**
   * Runs the CLI with the process's standard streams and returns the exit code. Only the subcommand
   * that {@code args} name is built ({@link Subcommands#needed}); the output is the same as with
   * the whole tree.
   */
  public static int execute(String... args) {
    PrintWriter out = new PrintWriter(System.out, true);
    if (printVersion(out, args)) {
      return OK;
    }
    return commandLine(out, new PrintWriter(System.err, true), args).execute(args);
  }

  /**
   * A lone {@code --version} or {@code -V}: prints what picocli's version help prints (the lines of
   * {@link VersionProvider}, each ended by a line separator) without building any command model,
   * and returns true; otherwise prints nothing and returns false. Start-up: picocli's set-up costs
   * more than the rest of {@code hwplan --version} (SubcommandsTest pins the output equal).
   */
  static boolean printVersion(PrintWriter out, String[] args) {
    if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
      return false;
    }
    for (String line : VersionProvider.lines()) {
      out.println(line);
    }
    out.flush();
    return true;
  }

  /** A configured command line with every subcommand, writing to the given streams. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return configure(Subcommands.all(new CommandLine(new Hwplan())), out, err);
  }

  /**
   * A configured command line with only the subcommands that {@code args} need: building the
   * picocli model of every command costs more start-up time than most commands take to run.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
    CommandLine cl = new CommandLine(new Hwplan());
    return configure(Subcommands.add(cl, Subcommands.needed(cl.getCommandSpec(), args)), out, err);
  }

  /** Streams and handlers, set after the subcommands are added so that they reach them all. */
  private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    Handlers h = new Handlers();
    cl.setExecutionStrategy(h);
    cl.setExecutionExceptionHandler(h);
    cl.setParameterExceptionHandler(h);
    return cl;
  }

  /**
   * The execution strategy and the two exception handlers. A class rather than lambdas: a lambda
   * implementing one of picocli's interfaces (Java 5 class files) keeps that interface out of the
   * start-up archive, and each lambda costs a bootstrap at start-up.
   */
  private static final class Handlers
      implements CommandLine.IExecutionStrategy,
          CommandLine.IExecutionExceptionHandler,
          CommandLine.IParameterExceptionHandler {
    @Override
    public int execute(CommandLine.ParseResult parseResult) {
      refuseOptionsBeforeSubcommand(parseResult);
      return new CommandLine.RunLast().execute(parseResult);
    }

    @Override
    public int handleExecutionException(
        Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      PrintWriter e = commandLine.getErr();
      Throwable t = ex;
      while (!(t instanceof InvalidInputException) && t.getCause() != null && t.getCause() != t) {
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
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      PrintWriter e = ex.getCommandLine().getErr();
      e.println("hwplan: error: " + ex.getMessage());
      e.println("Try 'hwplan " + commandPath(ex.getCommandLine()) + "--help' for usage.");
      e.flush();
      return BAD_INPUT;
    }
  }

  /**
   * An option of a parent command given before its subcommand ({@code hwplan --json kv ...}, {@code
   * hwplan predict --mode sol gemm ...}) would be ignored, since only the subcommand runs: bad
   * input that says where the option goes.
   */
  private static void refuseOptionsBeforeSubcommand(CommandLine.ParseResult pr) {
    for (CommandLine.ParseResult p = pr; p.subcommand() != null; p = p.subcommand()) {
      for (CommandLine.Model.OptionSpec o : p.matchedOptions()) {
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        String sub = p.subcommand().commandSpec().name();
        throw new CommandLine.ParameterException(
            p.commandSpec().commandLine(),
            "option '"
                + o.longestName()
                + "' given before the subcommand '"
                + sub
                + "' has no effect; put it after '"
                + sub
                + "'");
      }
    }
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
