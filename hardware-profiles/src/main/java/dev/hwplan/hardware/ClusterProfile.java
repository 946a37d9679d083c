package dev.hwplan.hardware;

import static dev.hwplan.io.Checks.nonBlank;
import static dev.hwplan.io.Checks.positive;
import static dev.hwplan.io.Checks.required;

import dev.hwplan.io.InvalidInputException;
import java.util.Map;

/**
 * A kind of training cluster: identical nodes of {@code gpusPerNode} GPUs on the GPU's scale-up
 * link (NVLink through NVSwitch), joined by {@code nicsPerNode} NICs of {@code nicGbps} each on a
 * non-blocking (rail-optimised) fabric. Bundled as {@code clusters/*.yaml}, every figure with its
 * source; {@link #build(int)} makes a {@link Cluster} of a given size.
 *
 * @param gpu the id of the GPU profile
 * @param nicGbps one NIC's line rate in Gb/s, per direction
 * @param nicLatencyMicros the latency of one inter-node message, microseconds
 * @param interNodeEfficiency the fraction of the NIC line rate that ring collectives reach (bus
 *     bandwidth over line rate)
 */
public record ClusterProfile(
    String id,
    String name,
    String gpu,
    Integer gpusPerNode,
    Integer nicsPerNode,
    Double nicGbps,
    Double nicLatencyMicros,
    Double interNodeEfficiency,
    Map<String, String> sources) {
  public ClusterProfile {
    nonBlank(id, "id");
    nonBlank(name, "name");
    nonBlank(gpu, "gpu");
    positive(gpusPerNode, "gpusPerNode");
    positive(nicsPerNode, "nicsPerNode");
    positive(nicGbps, "nicGbps");
    required(nicLatencyMicros, "nicLatencyMicros");
    if (!(nicLatencyMicros >= 0) || !Double.isFinite(nicLatencyMicros)) {
      throw new InvalidInputException("", "nicLatencyMicros", "must be zero or positive");
    }
    required(interNodeEfficiency, "interNodeEfficiency");
    if (!(interNodeEfficiency > 0 && interNodeEfficiency <= 1)) {
      throw new InvalidInputException(
          "", "interNodeEfficiency", "must be in (0, 1], got " + interNodeEfficiency);
    }
    sources = sources == null ? Map.of() : Map.copyOf(sources);
  }

  /** One NIC's bandwidth in bytes/s per direction. */
  public double nicBytesPerSecond() {
    return nicGbps * 1e9 / 8;
  }

  /** A cluster of {@code nodes} such nodes with {@code gpuProfile} as their GPU. */
  public Cluster build(GpuProfile gpuProfile, int nodes) {
    return new Cluster(
        gpuProfile,
        nodes,
        gpusPerNode,
        Link.scaleUp(gpuProfile, 0),
        nicsPerNode,
        new Link("NIC " + nicGbps + " Gb/s", nicBytesPerSecond(), nicLatencyMicros * 1e-6));
  }
}
