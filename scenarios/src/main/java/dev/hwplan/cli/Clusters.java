package dev.hwplan.cli;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.io.InvalidInputException;

/** The bundled cluster of a planning command's {@code --gpu}, and its checks of {@code --gpus}. */
final class Clusters {
  private Clusters() {}

  /**
   * The bundled cluster of {@code gpu}'s nodes; none is bad input naming {@code --gpu}, with {@code
   * hint} (such as "; give --cluster") before the list of known clusters.
   */
  static ClusterProfile forGpu(String gpu, String hint) {
    ClusterProfile c = ClusterCatalog.forGpu(gpu);
    if (c == null) {
      throw InvalidInputException.option(
          "--gpu",
          "no bundled cluster has "
              + gpu
              + " nodes"
              + hint
              + " (known: "
              + String.join(", ", ClusterCatalog.all().keySet())
              + ")");
    }
    return c;
  }

  /**
   * Refuses {@code gpus} unless positive and either within one node of {@code c} or whole nodes.
   */
  static void checkGpus(int gpus, ClusterProfile c) {
    if (gpus <= 0) {
      throw InvalidInputException.option("--gpus", "must be positive, got " + gpus);
    }
    if (gpus > c.gpusPerNode() && gpus % c.gpusPerNode() != 0) {
      throw InvalidInputException.option(
          "--gpus", gpus + " is not a whole number of " + c.gpusPerNode() + "-GPU nodes");
    }
  }
}
