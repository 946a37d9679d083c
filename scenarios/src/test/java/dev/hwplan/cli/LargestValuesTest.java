package dev.hwplan.cli;

import dev.hwplan.cli.FuzzCatalog.Kind;
import dev.hwplan.cli.FuzzCatalog.NumericFlag;
import dev.hwplan.cli.FuzzOutcomes.Case;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every numeric flag of every command at the largest value it can be given (Long.MAX_VALUE for a
 * long, Integer.MAX_VALUE for an int, the largest double for a number or a count): the answer is
 * finite and consistent (checked in exact integers, so a wrapped long shows), or exit 2 naming that
 * flag. Never a wrapped or negative number, never exit 70.
 */
class LargestValuesTest {
  /** The largest value a flag of {@code kind} parses to. */
  static String largest(Kind kind) {
    return switch (kind) {
      case INT_POS, INT_NONNEG -> String.valueOf(Integer.MAX_VALUE);
      case LONG_POS, LONG_ANY -> String.valueOf(Long.MAX_VALUE);
      case FRACTION -> "1";
      case OPEN_UNIT -> "0.9999999999999999";
      default -> String.valueOf(Double.MAX_VALUE);
    };
  }

  @TestFactory
  Stream<DynamicTest> everyFlagAtItsLargestValue() {
    return FuzzCatalog.numericFlags().stream()
        // The largest --rounds (1,000,000 bootstrap refits) is accepted and runs for hours; the
        // count is an int loop bound with nothing to overflow. --max-error is checked after a CPU
        // measurement, which the CPU command's own tests run.
        .filter(f -> !f.flag().equals("--rounds") && !f.flag().equals("--max-error"))
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f + " " + largest(f.kind()), () -> run(f, largest(f.kind()))));
  }

  private static void run(NumericFlag f, String value) {
    CliFuzzTest.withFiles(
        (files, out) ->
            new Case(
                "largest-value",
                FuzzCatalog.resolve(FuzzCatalog.set(f.base(), f.flag(), value), files, out),
                List.of(f.flag()),
                false,
                f.sanity()));
  }
}
