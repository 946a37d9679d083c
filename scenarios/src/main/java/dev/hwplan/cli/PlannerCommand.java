package dev.hwplan.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the planning commands ({@code memory}, {@code infer}, {@code serve}, {@code train}, {@code
 * posttrain}) share: the GPU catalog ({@code --profiles}), {@code --json}, and an answer printed
 * either as one JSON object or as text.
 */
abstract class PlannerCommand implements Runnable {
  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;
  @Spec CommandSpec spec;

  /** The command's stdout. */
  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /**
   * Prints the answer: with {@code --json}, the value {@code json} gives, as JSON; without, what
   * {@code text} writes.
   */
  final void answer(Supplier<Object> json, Consumer<PrintWriter> text) {
    PrintWriter out = out();
    if (this.json.enabled()) {
      JsonOutput.print(out, json.get());
    } else {
      text.accept(out);
    }
  }
}
