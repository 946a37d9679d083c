package dev.hwplan.step;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.ForwardingOpTimeModel;
import dev.hwplan.perf.KeyedOpTimeModel;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The collectives of a serving replica larger than one node: its ranks are numbered node by node,
 * tensor parallel innermost (a TP group's GPUs adjacent), then the expert-parallel groups ({@code
 * tp} apart), then the pipeline stages ({@code tp x ep} apart). A collective whose group spans
 * nodes (a TP group of more GPUs than a node, or of a size that does not divide the node and so
 * straddles its edge; an all-to-all over EP ranks on several nodes) and a stage-to-stage send
 * across a node's edge go through the NICs ({@link NodeLinks}), not the scale-up link the op-time
 * models know: on DGX H100 nodes a TP-16 all-reduce of Llama-3.1-70B's prefill rides 400 Gb/s
 * InfiniBand, not 450 GB/s NVLink. The interval keeps the calibrated prediction's ratios, and the
 * note says what the time rests on. Replicas within a node are timed as before.
 */
final class NodeSpan extends ForwardingOpTimeModel {
  private final NodeLinks links;
  private final Parallelism p;

  private NodeSpan(OpTimeModel times, NodeLinks links, Parallelism p) {
    super(times);
    this.links = links;
    this.p = p;
  }

  /** A model for equal keys predicts alike. */
  private record Key(OpTimeModel times, ClusterProfile cluster, Parallelism p) {}

  /**
   * {@code times} for a replica of layout {@code p} on nodes of {@code cluster}; {@code times}
   * itself where the replica fits a node, no cluster holds the GPU ({@code cluster} null) or the
   * mode is SOL (the scale-up link's peak bounds the NICs' aggregate from below in time).
   */
  static OpTimeModel of(OpTimeModel times, Parallelism p, ClusterProfile cluster) {
    if (cluster == null
        || (long) p.tp() * p.pp() * p.ep() <= cluster.gpusPerNode()
        || times.mode() == Mode.SOL) {
      return times; // SOL keeps the scale-up link's peak, a bound on the NICs' too
    }
    NodeLinks links =
        NodeLinks.probe(
            cluster, (c, bytes) -> times.predict(Ops.collective(c.key(), c, 2, bytes)).seconds());
    return KeyedOpTimeModel.like(times, new NodeSpan(times, links, p), new Key(times, cluster, p));
  }

  @Override
  public Prediction predict(Op op) {
    Prediction within = super.predict(op);
    if (!(op.shape() instanceof OpShape.Comm c) || within.seconds() <= 0) {
      return within;
    }
    double seconds;
    if (c.collective() == Collective.SEND) {
      seconds = sendSeconds(c.bytes(), within.seconds());
    } else {
      int stride = c.collective() == Collective.ALL_TO_ALL ? p.tp() : 1;
      seconds = slowestGroup(c, stride);
      if (Double.isNaN(seconds)) {
        return within;
      }
    }
    if (seconds == within.seconds()) {
      return within;
    }
    double r = seconds / within.seconds();
    List<String> notes = new ArrayList<>(within.notes());
    notes.add(links.nicNote());
    return new Prediction(
        within.op(),
        within.mode(),
        seconds,
        within.lowSeconds() * r,
        within.highSeconds() * r,
        within.bound(),
        within.efficiency() / r,
        within.solSeconds(),
        within.flops(),
        within.bytes(),
        List.copyOf(notes));
  }

  /**
   * The time of collective {@code c} in the slowest of the replica's groups that run it, or NaN
   * where every group sits inside a node. Groups of {@code c.gpus()} ranks {@code stride} apart
   * tile the replica's {@code tp x ep x pp} ranks: TP groups ({@code stride} 1) side by side, EP
   * groups ({@code stride} tp) interleaved within each stage. A group of a size that does not
   * divide the node (TP 6 on 8-GPU nodes) can straddle a node's edge though it would fit in one;
   * the groups run in lockstep, so the step waits for the straddling one.
   */
  private double slowestGroup(OpShape.Comm c, int stride) {
    int n = c.gpus();
    int span = n * stride;
    int ranks = p.tp() * p.ep() * p.pp();
    int node = links.gpusPerNode();
    double slowest = Double.NaN;
    int[] perNode = new int[(ranks + node - 1) / node + 1];
    for (int block = 0; block + span <= ranks; block += span) {
      for (int first = block; first < block + stride; first++) {
        Arrays.fill(perNode, 0);
        for (int j = 0; j < n; j++) {
          perNode[(first + j * stride) / node]++;
        }
        int nodes = 0;
        int fewest = n;
        for (int count : perNode) {
          if (count > 0) {
            nodes++;
            fewest = Math.min(fewest, count);
          }
        }
        if (nodes > 1) {
          double t = links.collective(c.collective(), n, fewest, nodes, c.bytes());
          slowest = Double.isNaN(slowest) ? t : Math.max(slowest, t);
        }
      }
    }
    return slowest;
  }

  /**
   * One stage-to-stage send, averaged over the {@code pp - 1} boundaries: a boundary whose two
   * stages ({@code tp x ep} GPUs each) sit on different nodes goes over a NIC, the others take
   * {@code inside}.
   */
  private double sendSeconds(double bytes, double inside) {
    int stage = p.tp() * p.ep();
    int node = links.gpusPerNode();
    int across = 0;
    for (int b = 1; b < p.pp(); b++) {
      if ((b * stage - 1) / node != (b * stage) / node) {
        across++;
      }
    }
    if (across == 0) {
      return inside;
    }
    double nic = links.send(node, bytes);
    return ((p.pp() - 1 - across) * inside + across * nic) / (p.pp() - 1);
  }
}
