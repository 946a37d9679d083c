package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Which options the user typed, as opposed to their defaults, so that an option that does not apply
 * in the mode at hand is refused instead of silently ignored.
 */
final class Given {
  private Given() {}

  /** Whether {@code option} was on the command line of {@code spec}'s command. */
  static boolean given(CommandSpec spec, String option) {
    ParseResult pr = spec.commandLine().getParseResult();
    return pr != null && pr.hasMatchedOption(option);
  }

  /**
   * Refuses {@code option} when it was given but does not apply: {@code applies} is false, and
   * {@code because} says why (e.g. "it sets the GQA row of --compare").
   */
  static void onlyWhen(CommandSpec spec, String option, boolean applies, String because) {
    if (!applies && given(spec, option)) {
      throw InvalidInputException.option(option, "has no effect here: " + because);
    }
  }
}
