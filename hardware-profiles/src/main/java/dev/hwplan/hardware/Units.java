package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.required;

import dev.hwplan.io.InvalidInputException;

/** The units enabled on the shipped product, and on the full die it is cut from. */
public record Units(UnitCounts enabled, UnitCounts fullDie) {
  public Units {
    required(enabled, "enabled");
    if (fullDie != null && fullDie.sms() < enabled.sms()) {
      throw new InvalidInputException(
          "",
          "enabled.sms",
          "more SMs enabled (" + enabled.sms() + ") than on the full die (" + fullDie.sms() + ")");
    }
  }
}
