package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.positive;
import static dev.hwplan.io.Checks.positiveOrNull;

/**
 * One streaming multiprocessor (AMD: compute unit). Sizes are in KiB as the whitepapers state them.
 */
public record Sm(
    Integer subPartitions,
    Integer fp32Cores,
    Integer fp64Cores,
    Integer tensorCores,
    Integer tensorCoreGeneration,
    Integer registerFileKiB,
    Integer l1SharedKiB,
    Integer maxSharedKiB) {
  public Sm {
    positive(subPartitions, "subPartitions");
    positive(fp32Cores, "fp32Cores");
    positiveOrNull(fp64Cores, "fp64Cores");
    positive(tensorCores, "tensorCores");
    positiveOrNull(tensorCoreGeneration, "tensorCoreGeneration");
    positiveOrNull(registerFileKiB, "registerFileKiB");
    positiveOrNull(l1SharedKiB, "l1SharedKiB");
    positiveOrNull(maxSharedKiB, "maxSharedKiB");
  }
}
