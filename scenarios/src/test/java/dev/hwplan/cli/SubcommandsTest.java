package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CLI builds only the subcommand a command line names (start-up time), and that prints and
 * exits exactly as the whole tree does.
 */
class SubcommandsTest {
  private static final String[] KV = {"kv", "--model", "llama-3.1-70b", "--context", "131072"};

  @Test
  void theTableNamesEachCommandAsItsAnnotationDoes() {
    for (Map.Entry<String, Class<?>> e : Subcommands.ALL.entrySet()) {
      assertThat(new CommandLine(e.getValue()).getCommandName()).isEqualTo(e.getKey());
    }
    assertThat(Hwplan.commandLine(sink(), sink()).getSubcommands().keySet())
        .containsExactlyElementsOf(Subcommands.ALL.keySet());
  }

  @Test
  void onlyTheNamedCommandIsBuiltAndNoneForVersion() {
    CommandLine.Model.CommandSpec root = new CommandLine(new Hwplan()).getCommandSpec();
    assertThat(Subcommands.needed(root, KV)).containsExactly("kv");
    assertThat(Subcommands.needed(root, new String[] {"--json", "infer", "--gpu", "x"}))
        .containsExactly("infer");
    assertThat(Subcommands.needed(root, new String[] {"--profiles", "dir", "kv"}))
        .containsExactly("kv");
    assertThat(Subcommands.needed(root, new String[] {"--out=kv", "kv"})).containsExactly("kv");
    assertThat(Subcommands.needed(root, new String[] {"--version"})).isEmpty();
    assertThat(Subcommands.needed(root, new String[] {"-V"})).isEmpty();
    List<String> all = List.copyOf(Subcommands.ALL.keySet());
    for (String[] args :
        new String[][] {
          {"--help"},
          {"-h"},
          {"help", "kv"},
          {"bogus"},
          {"--bogus"},
          {"-hV"},
          {"--out", "kv"},
          {"@args.txt"},
          {"--", "kv"}
        }) {
      assertThat(Subcommands.needed(root, args)).as(String.join(" ", args)).isEqualTo(all);
    }
  }

  @Test
  void aCommandLineBuiltForItsArgumentsPrintsWhatTheWholeTreePrints() {
    String[][] cases = {
      {"--version"},
      {"-V"},
      {"--help"},
      {"help"},
      {"help", "kv"},
      KV,
      {"kv", "--model", "llama-3.1-70b", "--context", "131072", "--json"},
      {"--json", "kv", "--model", "deepseek-v3", "--context", "4096", "--compare"},
      {"kv", "--help"},
      {"kv"},
      {"kv", "--bogus"},
      {"kv", "--model", "nope", "--context", "1"},
      {"bogus"},
      {"--bogus"},
      {"--out"},
      {"--out", "kv"},
      {"--profiles", "/nonexistent-hwplan-dir", "profiles", "list"},
      {"profiles", "list"},
      {"profiles", "show", "h100-sxm", "--json"},
      {"models", "show", "deepseek-v3"},
      {"memory", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--context", "32768"},
      {"predict", "gemm", "--gpu", "h100-sxm", "--m", "64", "--n", "4096", "--k", "4096"},
      {"scaling", "loss", "--params", "70e9", "--tokens", "15e12"},
      {"measure"},
      {"run", "--help"},
      {"--", "kv"},
      {"@/nonexistent-hwplan-args.txt"}
    };
    for (String[] args : cases) {
      assertThat(CliHarness.capture((out, err) -> Hwplan.commandLine(out, err, args).execute(args)))
          .as("exit code, stdout and stderr of %s", String.join(" ", args))
          .isEqualTo(CliHarness.run(args));
    }
  }

  @Test
  void theVersionAnsweredBeforePicocliIsWhatPicocliPrints() {
    for (String[] args : new String[][] {{"--version"}, {"-V"}}) {
      StringWriter fast = new StringWriter();
      assertThat(Hwplan.printVersion(new PrintWriter(fast, true), args)).isTrue();
      StringWriter fullOut = new StringWriter();
      StringWriter fullErr = new StringWriter();
      int full =
          Hwplan.commandLine(new PrintWriter(fullOut, true), new PrintWriter(fullErr, true))
              .execute(args);
      assertThat(full).isEqualTo(Hwplan.OK);
      assertThat(fullErr.toString()).isEmpty();
      assertThat(fast.toString()).as(args[0]).isEqualTo(fullOut.toString()).startsWith("hwplan ");
    }
    for (String[] args :
        new String[][] {{}, {"-V", "--help"}, {"--version", "kv"}, {"kv", "--version"}, {"-hV"}}) {
      StringWriter out = new StringWriter();
      assertThat(Hwplan.printVersion(new PrintWriter(out, true), args))
          .as(String.join(" ", args))
          .isFalse();
      assertThat(out.toString()).isEmpty();
    }
  }

  private static PrintWriter sink() {
    return new PrintWriter(new StringWriter());
  }

  /**
   * Every command's and subcommand's {@code --help} prints its usage and exits 0 without picocli's
   * warnings on stderr (a bare {@code %} in a description is a format error picocli warns of).
   */
  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    java.io.PrintStream old = System.err;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    List<String> paths = new java.util.ArrayList<>();
    collect(Hwplan.commandLine(sink(), sink()), "", paths);
    assertThat(paths).contains("regress", "predict gemm", "scaling fit");
    System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (String path : paths) {
        CliHarness r = CliHarness.line(path, "--help");
        assertThat(r.exitCode()).as(path + ": " + r.err()).isZero();
        assertThat(r.out()).as(path).contains("Usage: hwplan " + path);
        assertThat(r.err()).as(path).doesNotContain("WARN");
      }
    } finally {
      System.setErr(old);
    }
    assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("WARN");
  }

  private static void collect(CommandLine c, String prefix, List<String> out) {
    c.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (name.equals("help") || !sub.getCommandName().equals(name)) {
                return; // picocli's help command, and aliases
              }
              String path = prefix.isEmpty() ? name : prefix + " " + name;
              out.add(path);
              collect(sub, path, out);
            });
  }
}
