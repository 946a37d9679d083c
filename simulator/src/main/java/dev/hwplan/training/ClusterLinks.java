package dev.hwplan.training;

import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.op.Collective;
import dev.hwplan.step.NodeLinks;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TrainingStep;
import dev.hwplan.util.BoundedMemo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Collective times on a cluster of nodes for the training planners ({@link NodeLinks}: inside a
 * node the step model's calibrated NCCL model on the scale-up link, across nodes rings and
 * all-to-all through the NICs, sends over one NIC), with what each time rests on.
 *
 * <p>What a time rests on ({@link #notes}): the step model's notes of the collective at its size
 * (another device's calibration, a collective outside the measured range), and across nodes the
 * cluster profile's NIC figures, which are published or assumed, not measured. A planner that wants
 * the notes of the collectives it used turns {@link #record} on while it times a plan. Not
 * thread-safe while recording (a planner times its plans on one thread).
 */
public final class ClusterLinks {
  private final NodeLinks links;
  private final StepModel step;

  /**
   * {@link #notes} by collective, remembered: a plan evaluated again (its ZeRO stages, a benchmark)
   * meets the same collectives, and a note takes a step-model prediction.
   */
  private final BoundedMemo<Noted, List<String>> noted = new BoundedMemo<>(1 << 10);

  /** Where the notes of the collectives timed go while recording ({@link #record}), else null. */
  private Set<String> recording;

  /** The links of {@code cluster}, with the scale-up link's collectives timed by {@code step}. */
  public ClusterLinks(ClusterProfile cluster, StepModel step) {
    this.step = step;
    this.links =
        NodeLinks.probe(
            cluster, (c, bytes) -> step.time(TrainingStep.collective(c, 2, bytes)).seconds());
  }

  public int gpusPerNode() {
    return links.gpusPerNode();
  }

  /** Seconds of collective {@code c} of {@code bytes} over {@code n} GPUs {@code stride} apart. */
  public double collective(Collective c, int n, int stride, double bytes) {
    if (n <= 1 || bytes <= 0) {
      return 0;
    }
    if (recording != null) {
      recording.addAll(notes(c, n, stride, bytes));
    }
    return links.collective(c, n, stride, bytes);
  }

  /** Seconds to send {@code bytes} to a GPU {@code stride} ranks away. */
  public double send(int stride, double bytes) {
    if (bytes <= 0) {
      return 0;
    }
    if (recording != null) {
      recording.addAll(notes(Collective.SEND, 2, stride, bytes));
    }
    return links.send(stride, bytes);
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
    return noted.get(new Noted(c, n, links.across(c, n, stride), bytes), this::notesOf);
  }

  /** A collective as its notes depend on it: which, over how many GPUs, across nodes, its bytes. */
  private record Noted(Collective c, int n, boolean across, double bytes) {}

  private List<String> notesOf(Noted k) {
    if (k.c() == Collective.SEND && k.across()) {
      return List.of(links.nicNote()); // one NIC's rate and latency, no scale-up link
    }
    List<String> own = step.time(TrainingStep.collective(k.c(), k.n(), k.bytes())).notes();
    if (!k.across()) {
      return own;
    }
    List<String> out = new ArrayList<>(own);
    out.add(links.nicNote());
    return List.copyOf(out);
  }
}
