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

  /** The main job's report options: those of {@code hwplan run}. */
  @CommandLine.Mixin ReportOptions report;

  /** With no subcommand: the main job, the bundled default scenario written as a report. */
  @Override
  public void run() {
    report.execute(
        spec,
        dev.hwplan.scenario.Scenario.bundled("default.yaml"),
        dev.hwplan.sweep.LocalSweepExecutor.parallel());
  }

  public static void main(String[] args) {
    // Tablesaw's SLF4J finds no binding in the jar; say nothing about it.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    QuickPrefetch.start(args);
    System.exit(execute(args));
  }

  /**
   * Runs the CLI with the process's standard streams and returns the exit code. Only the subcommand
   * that {@code args} name is built ({@link Subcommands#needed}); the output is the same as with
   * the whole tree.
   */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /**
   * Runs the CLI writing to {@code out} and {@code err}: a lone {@code --version} and the plain
   * forms of the quick commands ({@link QuickPath}) without picocli's annotation model, everything
   * else through the tree of the subcommand named. The output is the same either way.
   */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    if (printVersion(out, args)) {
      return OK;
    }
    Integer quick = QuickPath.run(out, err, args);
    if (quick != null) {
      return quick;
    }
    return commandLine(out, err, args).execute(args);
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
    WholeNumberConverter.register(cl);
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
      return executionFailed(commandLine.getErr(), ex);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      return badInput(
          ex.getCommandLine().getErr(), ex.getMessage(), commandPath(ex.getCommandLine()));
    }
  }

  /**
   * What a command that threw {@code ex} prints on {@code err}, and its exit code: bad input (an
   * {@link InvalidInputException} anywhere in the causes) is one line and exit 2; anything else is
   * a bug in hwplan, exit 70, with the stack trace only under {@code HWPLAN_DEBUG}.
   */
  static int executionFailed(PrintWriter e, Exception ex) {
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

  /**
   * A command line picocli refused: one line, the reason and where to find the usage of the command
   * at {@code path} (its words, each followed by a space: {@code "kv "}; empty for hwplan itself);
   * exit 2.
   */
  static int badInput(PrintWriter e, String message, String path) {
    e.println("hwplan: error: " + message + " (usage: hwplan " + path + "--help)");
    e.flush();
    return BAD_INPUT;
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
