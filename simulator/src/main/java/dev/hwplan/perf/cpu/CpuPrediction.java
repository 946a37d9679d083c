package dev.hwplan.perf.cpu;

/**
 * A predicted time and what bounds it.
 *
 * @param bound {@code memory}, {@code compute} or {@code overhead}: the largest term
 * @param mode the prediction mode, {@code calibrated} here
 * @param memoryLevel {@code dram} or {@code llc}: where the working set is served from
 */
public record CpuPrediction(
    double seconds,
    String bound,
    String mode,
    String memoryLevel,
    double computeSeconds,
    double memorySeconds,
    double overheadSeconds) {}
