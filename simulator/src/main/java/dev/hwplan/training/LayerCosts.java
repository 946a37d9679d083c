package dev.hwplan.training;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.OpGraph;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTime;
import dev.hwplan.step.TrainingStep;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-layer costs for one micro-batch ({@link LayerCost}), from the step model's op times ({@link
 * TrainingStep}'s forward and backward graphs) and {@link ActivationMemory}, computed once per (TP,
 * CP, micro-batch, SP, EP, layer kind) and reused across layouts, so that evaluating a layout is
 * arithmetic.
 */
final class LayerCosts {
  private final TrainingJob job;
  private final StepModel step;
  private final ClusterLinks links;
  private final StageParams params;
  private final LongMap<LayerCost> cache = new LongMap<>();

  LayerCosts(TrainingJob job, StepModel step, ClusterLinks links, StageParams params) {
    this.job = job;
    this.step = step;
    this.links = links;
    this.params = params;
  }

  /** Layer kinds: a decoder layer, the head (final norm, logits, loss), the embedding. */
  static final int LAYER = 0;

  static final int HEAD = 1;
  static final int EMBEDDING = 2;

  /**
   * The costs of one layer kind under {@code l}'s TP, CP, micro-batch, sequence parallelism (on
   * only with TP > 1) and EP, cached.
   */
  LayerCost get(LayoutCursor l, boolean moe, int kind) {
    return get(l.tp, l.cp, l.microBatch, l.spOn(), l.ep, moe, kind);
  }

  /**
   * Adds what the layer costs of {@code l} rest on to {@code notes}: the decoder layer's (dense,
   * and MoE where the model has experts), the head's and the embedding's notes.
   */
  void addNotes(LayoutCursor l, Set<String> notes) {
    notes.addAll(get(l, false, LAYER).notes());
    if (job.model().moe() != null) {
      notes.addAll(get(l, true, LAYER).notes());
    }
    notes.addAll(get(l, false, HEAD).notes());
    notes.addAll(get(l, false, EMBEDDING).notes());
  }

  /** The costs of one layer kind ({@link #LAYER}, {@link #HEAD}, {@link #EMBEDDING}), cached. */
  LayerCost get(int tp, int cp, int mb, boolean sp, int ep, boolean moe, int kind) {
    long key =
        (((((((long) tp * 64 + cp) * 4096 + mb) * 2 + (sp ? 1 : 0)) * 1024 + ep) * 2
                    + (moe ? 1 : 0))
                * 4)
            + kind;
    LayerCost c = cache.get(key);
    if (c == null) {
      c = computeCost(tp, cp, mb, sp, ep, moe, kind);
      cache.put(key, c);
    }
    return c;
  }

  private LayerCost computeCost(int tp, int cp, int mb, boolean sp, int ep, boolean moe, int kind) {
    TrainingStep.Shape s =
        new TrainingStep.Shape(
            mb,
            job.seq(),
            tp,
            cp,
            ep,
            sp,
            job.flashAttention(),
            job.dropout(),
            job.precision().linearDtype);
    TrainingStep.LayerOps ops =
        switch (kind) {
          case 0 -> TrainingStep.layer(step.config(), s, moe, job.execution());
          case 1 -> TrainingStep.head(step.config(), s, job.execution());
          default -> TrainingStep.embedding(step.config(), s);
        };
    // FlashAttention forward and backward are timed by the step model's calibrated
    // prefill-attention model (issue 15; SDPA flash in eager, cuDNN when fused)
    Set<String> notes = new LinkedHashSet<>();
    double attF = 0;
    double attB = 0;
    for (var op : ops.forward().ops()) {
      if (op.name().startsWith("attention")) {
        attF += step.time(new OpGraph(java.util.List.of(op))).seconds();
      }
    }
    for (var op : ops.backward().ops()) {
      if (op.name().startsWith("attention")) {
        attB += step.time(new OpGraph(java.util.List.of(op))).seconds();
      }
    }
    double f = seconds(ops.forward(), notes);
    double b = seconds(ops.backward(), notes);
    if (kind == 0 && job.precision() == Precision.AMP) {
      // autocast casts each fp32 weight to bf16 in the forward (read 4, write 2 bytes) and the
      // bf16 weight gradient is cast into the fp32 .grad in the backward (read 2, write 4)
      double p = params.layerParams(tp, ep, moe);
      int weights = 4;
      f += seconds(TrainingStep.elementwise("autocast.weights", 4 * p, 2 * p, weights), notes);
      b += seconds(TrainingStep.elementwise("autocast.grads", 2 * p, 4 * p, weights), notes);
    }
    ModelSpec m = job.model();
    double actNone = 0;
    double actSel = 0;
    double checkpoint = 0;
    double logits = 0;
    if (kind == 0) {
      actNone = activation(tp, cp, mb, sp, moe, Recompute.NONE);
      actSel = activation(tp, cp, mb, sp, moe, Recompute.SELECTIVE);
      checkpoint = ActivationMemory.checkpointBytes(m, mb, job.seq(), tp, cp, sp);
    } else if (kind == 1) {
      double tokens = mb * (double) job.seq() / cp;
      logits =
          ActivationMemory.logitsBytes(m, mb, job.seq(), tp, cp, job.chunkedLoss(), job.execution())
              // the final norm's input and the logits GEMM's input
              + tokens * 4.0 * m.hiddenSize() / (sp && tp > 1 ? tp : 1);
    }
    return new LayerCost(
        f,
        b,
        step.time(ops.attentionCore()).seconds(),
        tp(ops.forwardComm(), tp, notes),
        tp(ops.backwardComm(), tp, notes),
        ops.cpExchangeBytes(),
        attF,
        attB,
        ops.epAllToAllBytes(),
        kernels(ops.forward()),
        kernels(ops.backward()),
        actNone,
        actSel,
        checkpoint,
        logits,
        List.copyOf(notes));
  }

  /** The step model's time of {@code g}, its notes added to {@code notes}. */
  private double seconds(OpGraph g, Set<String> notes) {
    StepTime t = step.time(g);
    notes.addAll(t.notes());
    return t.seconds();
  }

  /**
   * One layer's activation bytes for one micro-batch under {@code rec} ({@link ActivationMemory}).
   */
  private double activation(int tp, int cp, int mb, boolean sp, boolean moe, Recompute rec) {
    return ActivationMemory.layerBytes(
        job.model(),
        mb,
        job.seq(),
        tp,
        cp,
        sp,
        moe,
        rec,
        job.flashAttention(),
        job.dropout(),
        job.precision(),
        job.execution());
  }

  /** Kernel launches of a graph: an elementwise op's kernels, one for any other op. */
  static int kernels(OpGraph g) {
    int n = 0;
    for (var op : g.ops()) {
      int k = op.shape() instanceof dev.hwplan.op.OpShape.Elementwise e ? e.kernels() : 1;
      n += k * op.count();
    }
    return n;
  }

  /**
   * TP collectives: inside a node through the step model, else through the cluster's links; what
   * they rest on goes to {@code notes}.
   */
  private double tp(OpGraph g, int tp, Set<String> notes) {
    if (tp <= links.gpusPerNode()) {
      return seconds(g, notes);
    }
    double t = 0;
    for (var op : g.ops()) {
      var shape = (dev.hwplan.op.OpShape.Comm) op.shape();
      t += op.count() * links.collective(shape.collective(), tp, 1, shape.bytes());
      notes.addAll(links.notes(shape.collective(), tp, 1, shape.bytes()));
    }
    return t;
  }
}
