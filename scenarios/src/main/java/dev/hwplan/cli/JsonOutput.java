package dev.hwplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hwplan.io.StrictMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --json} flag every command takes, and the writer behind it. */
public final class JsonOutput {
  /** Built on first use: every command has this mixin, most never print JSON. */
  private static final class Writer {
    static final ObjectWriter WRITER =
        StrictMapper.json()
            .copy()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .writer();

    private Writer() {}
  }

  @Option(
      names = "--json",
      description = "Print one JSON object on stdout and nothing else (SI units).")
  boolean json;

  public boolean enabled() {
    return json;
  }

  /**
   * With {@code --json}, prints {@code value} as JSON on {@code spec}'s stdout and returns true:
   * the command's answer is given. Without, prints nothing and returns false (the command prints
   * text).
   */
  public boolean printed(CommandSpec spec, Object value) {
    if (json) {
      print(spec.commandLine().getOut(), value);
    }
    return json;
  }

  /** Prints {@code value} as JSON on {@code out}. */
  public static void print(PrintWriter out, Object value) {
    try {
      out.println(Writer.WRITER.writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
