package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it printed. */
record CliHarness(int exitCode, String out, String err) {
  static CliHarness run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Hwplan.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new CliHarness(code, out.toString(), err.toString());
  }

  JsonNode json() {
    try {
      return StrictMapper.json().readTree(out);
    } catch (Exception e) {
      throw new AssertionError("stdout is not one JSON value:\n" + out, e);
    }
  }
}
