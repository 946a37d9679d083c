package dev.hwplan.training;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.op.Collective;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TrainingStep;
import dev.hwplan.util.BoundedMemo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Collective times on a cluster of nodes, for a group of {@code n} GPUs whose members are {@code
 * stride} ranks apart (see {@link Layout}).
 *
 * <ul>
 *   <li>Inside a node (the group's span {@code n x stride} fits a node): the step model's
 *       calibrated NCCL model on the GPU's scale-up link, {@code alpha + trafficFactor(n) bytes /
 *       bandwidth}, with {@code alpha} and the bandwidth read off the step model once per
 *       collective.
 *   <li>Across nodes, rings (NCCL's ring algorithm; Thakur, Rabenseifner and Gropp 2005): a group
 *       with {@code k} members per node runs {@code k} rings, one through each member's NIC, so the
 *       ring traffic {@code trafficFactor(n) bytes} flows at {@code min(k, nics) x NIC x
 *       efficiency}, or at the scale-up bandwidth if that is lower. Latency: the ring's steps or,
 *       for all-reduce, a tree's {@code 2 log2 n} (NCCL chooses the faster; its double binary tree
 *       reaches ring bandwidth on large messages), each an inter-node message.
 *   <li>All-to-all across nodes: each GPU sends {@code (n-k)/n} of its bytes through its own NIC
 *       and {@code (k-1)/n} over NVLink, concurrently.
 *   <li>Point-to-point sends (pipeline stages): over NVLink inside a node, over one NIC across.
 * </ul>
 *
 * <p>What a time rests on ({@link #notes}): the step model's notes of the collective at its size
 * (another device's calibration, a collective outside the measured range), and across nodes the
 * cluster profile's NIC figures, which are published or assumed, not measured. A planner that wants
 * the notes of the collectives it used turns {@link #record} on while it times a plan. Not
 * thread-safe while recording (a planner times its plans on one thread).
 */
public final class ClusterLinks {
  private final int gpusPerNode;
  private final int nics;
  private final double nicBytesPerSecond;
  private final double nicLatency;
  private final double[] alpha = new double[Collective.values().length];
  private final double[] bandwidth = new double[Collective.values().length];
  private final StepModel step;
  private final String nicNote;

  /**
   * {@link #notes} by collective, remembered: a plan evaluated again (its ZeRO stages, a benchmark)
   * meets the same collectives, and a note takes a step-model prediction.
   */
  private final BoundedMemo<Noted, List<String>> noted = new BoundedMemo<>(1 << 10);

  /** Where the notes of the collectives timed go while recording ({@link #record}), else null. */
  private Set<String> recording;

  /** The links of {@code cluster}, with the scale-up link's collectives timed by {@code step}. */
  public ClusterLinks(ClusterProfile cluster, StepModel step) {
    this.gpusPerNode = cluster.gpusPerNode();
    this.nics = cluster.nicsPerNode();
    this.nicBytesPerSecond = cluster.nicBytesPerSecond() * cluster.interNodeEfficiency();
    this.nicLatency = cluster.nicLatencyMicros() * 1e-6;
    this.step = step;
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
    double probe = 1L << 30;
    for (Collective c : Collective.values()) {
      double t0 = step.time(TrainingStep.collective(c, 2, 0)).seconds();
      double t1 = step.time(TrainingStep.collective(c, 2, probe)).seconds();
      alpha[c.ordinal()] = t0;
      bandwidth[c.ordinal()] = c.trafficFactor(2) * probe / Math.max(1e-30, t1 - t0);
    }
  }

  public int gpusPerNode() {
    return gpusPerNode;
  }

  /** Seconds of collective {@code c} of {@code bytes} over {@code n} GPUs {@code stride} apart. */
  public double collective(Collective c, int n, int stride, double bytes) {
    if (n <= 1 || bytes <= 0) {
      return 0;
    }
    if (recording != null) {
      recording.addAll(notes(c, n, stride, bytes));
    }
    int i = c.ordinal();
    double factor = c.trafficFactor(n);
    if ((long) n * stride <= gpusPerNode) {
      return alpha[i] + factor * bytes / bandwidth[i];
    }
    int k = stride >= gpusPerNode ? 1 : Math.min(n, gpusPerNode / stride);
    if (c == Collective.ALL_TO_ALL) {
      double inter = bytes * (n - k) / (double) n / nicBytesPerSecond;
      double intra = bytes * (k - 1) / (double) n / bandwidth[i];
      return alpha[i] + nicLatency * (n / k - 1) + Math.max(inter, intra);
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
    if (recording != null) {
      recording.addAll(notes(Collective.SEND, 2, stride, bytes));
    }
    if (stride < gpusPerNode) {
      int i = Collective.SEND.ordinal();
      return alpha[i] + bytes / bandwidth[i];
    }
    return nicLatency + bytes / nicBytesPerSecond;
  }

  /**
   * While {@code notes} is not null, every collective and send timed adds its {@link #notes} to it
   * (each once, in order); null stops.
   */
  public void record(Set<String> notes) {
    this.recording = notes;
  }

  /**
   * What the time of collective {@code c} of {@code bytes} over {@code n} GPUs {@code stride} ranks
   * apart rests on: the step model's notes of that collective (its latency, and its bandwidth
   * inside a node), and across nodes the NICs' figures. A send is {@link Collective#SEND} over 2
   * GPUs {@code stride} ranks apart; across nodes it rests on the NIC alone.
   */
  public List<String> notes(Collective c, int n, int stride, double bytes) {
    boolean across = c == Collective.SEND ? stride >= gpusPerNode : (long) n * stride > gpusPerNode;
    return noted.get(new Noted(c, n, across, bytes), this::notesOf);
  }

  /** A collective as its notes depend on it: which, over how many GPUs, across nodes, its bytes. */
  private record Noted(Collective c, int n, boolean across, double bytes) {}

  private List<String> notesOf(Noted k) {
    if (k.c() == Collective.SEND && k.across()) {
      return List.of(nicNote); // one NIC's rate and latency, no scale-up link
    }
    List<String> own = step.time(TrainingStep.collective(k.c(), k.n(), k.bytes())).notes();
    if (!k.across()) {
      return own;
    }
    List<String> out = new ArrayList<>(own);
    out.add(nicNote);
    return List.copyOf(out);
  }
}
