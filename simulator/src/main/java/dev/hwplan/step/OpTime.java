package dev.hwplan.step;

/**
 * One op of a step with its predicted time: {@code count} executions of {@code secondsEach}.
 *
 * @param seconds all executions in the step
 */
public record OpTime(
    String name,
    String kind,
    int count,
    double secondsEach,
    double seconds,
    double lowSeconds,
    double highSeconds,
    String bound,
    String mode,
    double flops,
    double bytes) {}
