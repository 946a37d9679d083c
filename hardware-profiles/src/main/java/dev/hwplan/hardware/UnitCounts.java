package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.positive;
import static dev.hwplan.io.Checks.positiveOrNull;

import dev.hwplan.io.InvalidInputException;

/**
 * Counts of the GPU's processing hierarchy: GPCs contain TPCs, TPCs contain SMs (AMD: XCDs and CUs,
 * recorded in the same fields). {@code smsPerGpc} is given only where it is uniform.
 */
public record UnitCounts(Integer gpcs, Integer tpcs, Integer sms, Integer smsPerGpc) {
  public UnitCounts {
    positiveOrNull(gpcs, "gpcs");
    positiveOrNull(tpcs, "tpcs");
    positive(sms, "sms");
    positiveOrNull(smsPerGpc, "smsPerGpc");
    if (gpcs != null && smsPerGpc != null && gpcs * smsPerGpc != sms) {
      throw new InvalidInputException(
          "",
          "sms",
          "SM total "
              + sms
              + " disagrees with gpcs x smsPerGpc = "
              + gpcs
              + " x "
              + smsPerGpc
              + " = "
              + gpcs * smsPerGpc);
    }
    if (tpcs != null && tpcs > sms) {
      throw new InvalidInputException(
          "", "tpcs", "more TPCs (" + tpcs + ") than SMs (" + sms + ") is impossible");
    }
  }
}
