package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.positive;
import static dev.hwplan.io.Checks.required;

import dev.hwplan.io.InvalidInputException;

/**
 * A cluster of identical nodes: GPUs per node joined by an intra-node link (NVLink), and nodes
 * joined by NICs (for example 8 x 400 Gb/s InfiniBand per node, one NIC per GPU).
 *
 * @param nics NICs per node
 * @param interNodeLink one NIC's link
 */
public record Cluster(
    GpuProfile gpu,
    Integer nodes,
    Integer gpusPerNode,
    Link intraNodeLink,
    Integer nics,
    Link interNodeLink) {
  public Cluster {
    required(gpu, "gpu");
    positive(nodes, "nodes");
    positive(gpusPerNode, "gpusPerNode");
    required(intraNodeLink, "intraNodeLink");
    if (nodes > 1) {
      positive(nics, "nics");
      required(interNodeLink, "interNodeLink");
    }
    if (nics != null && nics < 0) {
      throw new InvalidInputException("", "nics", "must not be negative");
    }
  }

  public int totalGpus() {
    return nodes * gpusPerNode;
  }

  /** Inter-node bandwidth per node, per direction: NICs x one NIC's bandwidth. */
  public double interNodeBytesPerSecondPerNode() {
    return nodes > 1 ? nics * interNodeLink.bytesPerSecondPerDirection() : 0;
  }
}
