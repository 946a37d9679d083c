package dev.hwplan.step;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.op.Collective;
import java.util.Locale;
import java.util.function.ToDoubleBiFunction;

/**
 * Collective times on a cluster of nodes, for a group of {@code n} GPUs whose members are {@code
 * stride} ranks apart (ranks numbered node by node):
 *
 * <ul>
 *   <li>Inside a node (the group's span {@code n x stride} fits a node): the calibrated NCCL model
 *       on the GPU's scale-up link, {@code alpha + trafficFactor(n) bytes / bandwidth}, with {@code
 *       alpha} and the bandwidth read off that model once per collective ({@link #probe}).
 *   <li>Across nodes, rings (NCCL's ring algorithm; Thakur, Rabenseifner and Gropp 2005): a group
 *       with {@code k} members per node runs {@code k} rings, one through each member's NIC, so the
 *       ring traffic {@code trafficFactor(n) bytes} flows at {@code min(k, nics) x NIC x
 *       efficiency}, or at the scale-up bandwidth if that is lower. Latency: the ring's steps or,
 *       for all-reduce, a tree's {@code 2 log2 n} (NCCL chooses the faster; its double binary tree
 *       reaches ring bandwidth on large messages), each an inter-node message.
 *   <li>All-to-all across nodes: each GPU sends {@code (n-k)/n} of its bytes through its own NIC
 *       and {@code (k-1)/n} over the scale-up link, concurrently.
 *   <li>Point-to-point sends: over the scale-up link inside a node, over one NIC across.
 * </ul>
 *
 * The NIC figures are the cluster profile's, published or assumed, never measured ({@link
 * #nicNote}).
 */
public final class NodeLinks {
  private final int gpusPerNode;
  private final int nics;
  private final double nicBytesPerSecond;
  private final double nicLatency;
  private final double[] alpha;
  private final double[] bandwidth;
  private final String nicNote;

  private NodeLinks(ClusterProfile cluster, double[] alpha, double[] bandwidth) {
    this.gpusPerNode = cluster.gpusPerNode();
    this.nics = cluster.nicsPerNode();
    this.nicBytesPerSecond = cluster.nicBytesPerSecond() * cluster.interNodeEfficiency();
    this.nicLatency = cluster.nicLatencyMicros() * 1e-6;
    this.alpha = alpha;
    this.bandwidth = bandwidth;
    this.nicNote =
        String.format(
            Locale.ROOT,
            "collectives across nodes: %d NICs of %.0f Gb/s a node at %.2f of line rate, %.0f us a"
                + " message (%s's published and assumed figures; no inter-node measurements)",
            nics,
            cluster.nicGbps(),
            cluster.interNodeEfficiency(),
            cluster.nicLatencyMicros(),
            cluster.id());
  }

  /**
   * The links of {@code cluster}, the scale-up link's latency and bandwidth per collective read off
   * {@code twoGpus}, the seconds of a collective of the given bytes on 2 GPUs of one node: its time
   * at 0 bytes, and the bus bandwidth of its time at 1 GiB over that.
   */
  public static NodeLinks probe(
      ClusterProfile cluster, ToDoubleBiFunction<Collective, Double> twoGpus) {
    double probe = 1L << 30;
    double[] alpha = new double[Collective.values().length];
    double[] bandwidth = new double[Collective.values().length];
    for (Collective c : Collective.values()) {
      double t0 = twoGpus.applyAsDouble(c, 0.0);
      double t1 = twoGpus.applyAsDouble(c, probe);
      alpha[c.ordinal()] = t0;
      bandwidth[c.ordinal()] = c.trafficFactor(2) * probe / Math.max(1e-30, t1 - t0);
    }
    return new NodeLinks(cluster, alpha, bandwidth);
  }

  public int gpusPerNode() {
    return gpusPerNode;
  }

  /** The note that says what a time across nodes rests on. */
  public String nicNote() {
    return nicNote;
  }

  /**
   * Whether collective {@code c} over {@code n} GPUs {@code stride} apart leaves a node (a send:
   * its two GPUs are {@code stride} apart).
   */
  public boolean across(Collective c, int n, int stride) {
    return c == Collective.SEND ? stride >= gpusPerNode : (long) n * stride > gpusPerNode;
  }

  /** Seconds of collective {@code c} of {@code bytes} over {@code n} GPUs {@code stride} apart. */
  public double collective(Collective c, int n, int stride, double bytes) {
    if ((long) n * stride <= gpusPerNode) {
      return collective(c, n, n, 1, bytes);
    }
    int k = stride >= gpusPerNode ? 1 : Math.min(n, gpusPerNode / stride);
    // The group leaves its node (its span exceeds one): at least 2 nodes, a partial last one
    // counted (12 GPUs 8 a node span 2).
    return collective(c, n, k, Math.max(2, (n + k - 1) / k), bytes);
  }

  /**
   * Seconds of collective {@code c} of {@code bytes} over {@code n} GPUs on {@code nodes} nodes,
   * {@code k} of them on the node that holds the fewest (its GPUs send the most through their NICs,
   * and run the fewest rings): a group of 6 placed 2 + 4 across a node's edge runs as 2 per node.
   */
  public double collective(Collective c, int n, int k, int nodes, double bytes) {
    if (n <= 1 || bytes <= 0) {
      return 0;
    }
    int i = c.ordinal();
    double factor = c.trafficFactor(n);
    if (nodes <= 1) {
      return alpha[i] + factor * bytes / bandwidth[i];
    }
    if (c == Collective.ALL_TO_ALL) {
      double inter = bytes * (n - k) / (double) n / nicBytesPerSecond;
      double intra = bytes * (k - 1) / (double) n / bandwidth[i];
      return alpha[i] + nicLatency * (nodes - 1) + Math.max(inter, intra);
    }
    double bw = Math.min(bandwidth[i], Math.min(k, nics) * nicBytesPerSecond);
    double ringSteps = (c == Collective.ALL_REDUCE ? 2.0 : 1.0) * (n - 1);
    double steps =
        c == Collective.ALL_REDUCE
            ? Math.min(ringSteps, 2 * Math.ceil(Math.log(n) / Math.log(2)))
            : ringSteps;
    return alpha[i] + steps * nicLatency + factor * bytes / bw;
  }

  /** Seconds to send {@code bytes} to a GPU {@code stride} ranks away. */
  public double send(int stride, double bytes) {
    if (bytes <= 0) {
      return 0;
    }
    if (stride < gpusPerNode) {
      int i = Collective.SEND.ordinal();
      return alpha[i] + bytes / bandwidth[i];
    }
    return nicLatency + bytes / nicBytesPerSecond;
  }
}
