package dev.hwplan.inference;

import static dev.hwplan.io.Checks.positiveOption;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.perf.Mode;
import dev.hwplan.step.StepConfig;

/**
 * One serving configuration: {@code batch} sequences of {@code prompt} tokens, each producing
 * {@code output} tokens.
 */
public record InferenceRequest(
    StepConfig config, GpuProfile gpu, long batch, long prompt, long output, Mode mode) {
  public InferenceRequest {
    positiveOption(batch, "--batch", "integer");
    positiveOption(prompt, "--prompt", "integer");
    positiveOption(output, "--output", "integer");
    if (prompt > Long.MAX_VALUE - output) {
      throw InvalidInputException.option(
          "--output", "prompt " + prompt + " + output " + output + " tokens is more than 2^63");
    }
  }

  /**
   * The context of the representative decode step: the mean over the {@code output} steps, whose
   * time is linear in the context, so TPOT at it is the mean TPOT.
   */
  public long decodeContext() {
    return prompt + Math.max(1, output / 2);
  }
}
