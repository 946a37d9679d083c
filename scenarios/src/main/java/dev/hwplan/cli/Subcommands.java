package dev.hwplan.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The top-level subcommands of {@code hwplan}, in the order {@code hwplan --help} lists them, and
 * which of them a command line needs. Picocli builds a command's model from its annotations by
 * reflection, which for the whole tree takes longer than {@code hwplan --version} or {@code hwplan
 * kv} take to run; {@link Hwplan#execute} builds only the one named.
 */
final class Subcommands {
  /** Name to class; the names are those of the classes' {@code @Command} (a test checks). */
  static final Map<String, Class<?>> ALL = table();

  private Subcommands() {}

  private static Map<String, Class<?>> table() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("profiles", ProfilesCommand.class);
    m.put("models", ModelsCommand.class);
    m.put("kv", KvCommand.class);
    m.put("memory", MemoryCommand.class);
    m.put("scaling", ScalingCommand.class);
    m.put("measure", MeasureCommand.class);
    m.put("predict", PredictCommand.class);
    m.put("infer", InferCommand.class);
    m.put("serve", ServeCommand.class);
    m.put("train", TrainCommand.class);
    m.put("posttrain", PostTrainCommand.class);
    m.put("run", RunCommand.class);
    m.put("bench", BenchCommand.class);
    m.put("regress", RegressCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return m;
  }

  /** {@code cl} with every subcommand. */
  static CommandLine all(CommandLine cl) {
    return add(cl, List.copyOf(ALL.keySet()));
  }

  /** {@code cl} with the named subcommands, in the order of {@link #ALL}. */
  static CommandLine add(CommandLine cl, List<String> names) {
    for (Map.Entry<String, Class<?>> e : ALL.entrySet()) {
      if (names.contains(e.getKey())) {
        cl.addSubcommand(e.getKey(), e.getValue());
      }
    }
    return cl;
  }

  /**
   * The subcommands that parsing {@code args} against {@code root} can reach: none when no
   * subcommand is named ({@code --version}, the main job), the one named, or all of them whenever
   * picocli might print the list of commands or suggest one (help, an unknown option or command, an
   * {@code @file}, {@code --}, a command name where an option's value belongs).
   */
  static List<String> needed(CommandSpec root, String[] args) {
    List<String> all = List.copyOf(ALL.keySet());
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a == null || a.startsWith("@") || a.equals("--")) {
        return all;
      }
      if (a.startsWith("-")) {
        int eq = a.indexOf('=');
        OptionSpec o = root.findOption(eq < 0 ? a : a.substring(0, eq));
        if (o == null || o.usageHelp() || (o.arity().max() > 0 && o.arity().min() == 0)) {
          return all;
        }
        if (eq < 0) {
          for (int k = 0; k < o.arity().min() && i + 1 < args.length; k++) {
            if (ALL.containsKey(args[++i])) {
              return all; // picocli rejects a command name as an option's value
            }
          }
        }
        continue;
      }
      if (ALL.containsKey(a) && !a.equals("help")) {
        List<String> one = new ArrayList<>();
        one.add(a);
        return one;
      }
      return all;
    }
    return List.of();
  }
}
