package dev.hwplan.cli;

import dev.hwplan.serving.CapacitySearch;
import dev.hwplan.sweep.SweepTasks;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layouts of {@code hwplan serve --find-min-gpus} as tasks that travel: the recipe is the
 * command line, and task {@code i} searches layout {@code i} ({@link CapacitySearch#searchLayout}).
 * A JVM that receives the tasks parses the command line once and builds the same layouts, workload
 * and objective as the one that sent them.
 */
final class ServeSearchTasks implements SweepTasks<CapacitySearch.LayoutSearch> {
  private static final long serialVersionUID = 1L;

  /** Searches rebuilt in this JVM, by command line. */
  private static final Map<List<String>, ServeSearch> REBUILT = new ConcurrentHashMap<>();

  private final List<String> args;
  private final int size;

  ServeSearchTasks(List<String> args, int size) {
    this.args = List.copyOf(args);
    this.size = size;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public String label() {
    return "hwplan serve --find-min-gpus (" + size + " layouts)";
  }

  @Override
  public CapacitySearch.LayoutSearch run(int index) {
    ServeSearch s = REBUILT.computeIfAbsent(args, ServeSearchTasks::rebuild);
    return CapacitySearch.searchLayout(
        s.layouts().get(index),
        s.settings(),
        s.workload(),
        s.objective(),
        s.maxGpus(),
        s.disaggregated());
  }

  private static ServeSearch rebuild(List<String> args) {
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    var parsed = Hwplan.commandLine(none, none).parseArgs(args.toArray(new String[0]));
    ServeCommand cmd = (ServeCommand) parsed.subcommand().commandSpec().userObject();
    ServeSearch s = cmd.search();
    if (s.layouts().isEmpty()) {
      throw new IllegalStateException("the command line gave no layouts here: " + args);
    }
    return s;
  }
}
