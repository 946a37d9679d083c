package dev.hwplan.io;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The option check names the flag, what the value counts, and the value given. */
class ChecksTest {
  @Test
  void aPositiveOptionPasses() {
    assertThatCode(() -> Checks.positiveOption(1, "--context", "token count"))
        .doesNotThrowAnyException();
  }

  @Test
  void aZeroOrNegativeOptionNamesTheFlagAndTheValue() {
    assertThatThrownBy(() -> Checks.positiveOption(0, "--context", "token count"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("command line: field '--context': must be a positive token count, got 0");
    assertThatThrownBy(() -> Checks.positiveOption(-3, "--tp", "integer"))
        .hasMessage("command line: field '--tp': must be a positive integer, got -3");
  }
}
