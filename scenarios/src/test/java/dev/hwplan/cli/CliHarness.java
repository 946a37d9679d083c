package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI in-process and captures what it printed. */
record CliHarness(int exitCode, String out, String err) {
  /** {@code args} through the whole annotated command tree. */
  static CliHarness run(String... args) {
    return capture((out, err) -> Hwplan.commandLine(out, err).execute(args));
  }

  /** {@code line}'s words (split at single spaces), then {@code more}, through the whole tree. */
  static CliHarness line(String line, String... more) {
    return run(args(line, more));
  }

  /**
   * Writes {@code text} to {@code file}, then runs {@code head} followed by the file's path,
   * through the whole tree: a command that reads a file the test wrote.
   */
  static CliHarness onFile(Path file, String text, String... head) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return run(List.of(head), file.toString());
  }

  /** {@code head}, then {@code more}, through the whole tree. */
  static CliHarness run(List<String> head, String... more) {
    return run(args(head, more));
  }

  /**
   * A command line as an argument array: the words of {@code line}, written as one would type it
   * (words split at single spaces, so none may hold a space), then {@code more} as they are (paths,
   * arguments with spaces).
   */
  static String[] args(String line, String... more) {
    return args(words(line), more);
  }

  private static String[] args(List<String> head, String... more) {
    List<String> a = new ArrayList<>(head);
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** The words of {@code line}, split at single spaces. */
  static List<String> words(String line) {
    return List.of(line.split(" "));
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

  /**
   * Checks the CLI contract's answer to bad input: exit code 2, nothing on stdout, and one line on
   * stderr that holds each of {@code named}.
   */
  void isBadInput(String... named) {
    assertThat(exitCode).as(err).isEqualTo(Hwplan.BAD_INPUT);
    assertThat(out).isEmpty();
    assertThat(err.strip().lines()).hasSize(1);
    assertThat(err).contains(named);
  }

  /**
   * The JSON answer of a command that succeeded: checks exit code 0 (showing stderr when not), then
   * reads stdout as one JSON value.
   */
  JsonNode okJson() {
    assertThat(exitCode).as(err).isZero();
    return json();
  }

  JsonNode json() {
    try {
      return StrictMapper.json().readTree(out);
    } catch (Exception e) {
      throw new AssertionError("stdout is not one JSON value:\n" + out, e);
    }
  }
}
