package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it printed. */
record CliHarness(int exitCode, String out, String err) {
  /** {@code args} through the whole annotated command tree. */
  static CliHarness run(String... args) {
    return capture((out, err) -> Hwplan.commandLine(out, err).execute(args));
  }

  /** What {@code cli} printed on the two writers it was given, and the exit code it returned. */
  static CliHarness capture(Cli cli) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = cli.run(new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliHarness(code, out.toString(), err.toString());
  }

  /** A way to run the CLI on given streams. */
  interface Cli {
    int run(PrintWriter out, PrintWriter err);
  }

  JsonNode json() {
    try {
      return StrictMapper.json().readTree(out);
    } catch (Exception e) {
      throw new AssertionError("stdout is not one JSON value:\n" + out, e);
    }
  }
}
