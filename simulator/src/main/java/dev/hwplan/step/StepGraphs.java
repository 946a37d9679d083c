package dev.hwplan.step;

import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpShape;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.util.BoundedMemo;
import java.util.List;

/**
 * The step graphs behind {@link StepModel}, memoised by the value of their configuration and
 * composition, each with its distinct ops found once. A graph depends on nothing else (not on the
 * op-time model), so step models of equal configurations share it: an estimate builds a step model
 * per call, and a sweep meets the same steps across its configurations (the prefill of a batch and
 * prompt at every output length). A hit is the graph the builder gave for equal inputs; graphs are
 * immutable. Bounded and thread-safe ({@link BoundedMemo}).
 */
final class StepGraphs {
  /** Graphs remembered before the memo is emptied. */
  static final int CAPACITY = 1 << 13;

  private static final BoundedMemo<Key, Prepared> GRAPHS = new BoundedMemo<>(CAPACITY);

  private StepGraphs() {}

  /** The graph of a step of composition {@code s} under {@code c}, with its distinct ops. */
  static Prepared of(StepConfig c, StepComposition s) {
    return GRAPHS.get(new Key(c, s), k -> prepare(TransformerStep.build(k.config, k.composition)));
  }

  /**
   * A step by value. The hash leaves out the model's layers and notes (equal configurations have
   * equal model ids, so it agrees with {@code equals}) and costs a few field reads, as does the
   * comparison of compositions; configurations compare as whole values, at once where they are the
   * same instance.
   */
  private record Key(StepConfig config, StepComposition composition) {
    @Override
    public int hashCode() {
      Parallelism par = config.parallelism();
      int h = config.model().id().hashCode();
      h = 31 * h + par.tp();
      h = 31 * h + par.pp();
      h = 31 * h + par.dp();
      h = 31 * h + par.ep();
      h = 31 * h + config.weights().key().hashCode();
      h = 31 * h + config.kv().key().hashCode();
      h = 31 * h + config.mlaLayout().ordinal();
      h = 31 * h + config.execution().ordinal();
      for (StepComposition.Prefill p : composition.prefills()) {
        h = 31 * h + Long.hashCode(p.sequences());
        h = 31 * h + Long.hashCode(p.tokens());
        h = 31 * h + Long.hashCode(p.prefix());
      }
      h = 31 * h + Long.hashCode(composition.decodes());
      return 31 * h + Long.hashCode(composition.decodeContext());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && sameComposition(composition, k.composition)
          && (config == k.config || config.equals(k.config));
    }

    private static boolean sameComposition(StepComposition a, StepComposition b) {
      if (a == b) {
        return true;
      }
      List<StepComposition.Prefill> ap = a.prefills();
      List<StepComposition.Prefill> bp = b.prefills();
      if (a.decodes() != b.decodes()
          || a.decodeContext() != b.decodeContext()
          || ap.size() != bp.size()) {
        return false;
      }
      for (int i = 0; i < ap.size(); i++) {
        StepComposition.Prefill x = ap.get(i);
        StepComposition.Prefill y = bp.get(i);
        if (x.sequences() != y.sequences()
            || x.tokens() != y.tokens()
            || x.prefix() != y.prefix()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * A graph and its distinct ops: an op whose work and shape are those of an earlier op of the
   * graph (the attention half of dense and MoE layers, say, which {@link TransformerStep} builds
   * once) is predicted once, since a prediction depends on the op's work and shape, not on its
   * count.
   *
   * @param graph the graph
   * @param distinct each kind of work once, in the graph's order, as an op run once (what the
   *     op-time models predict; the same instances at every hit, so a memo of predictions finds
   *     them at once)
   * @param index for each op of the graph, its entry in {@code distinct}
   */
  record Prepared(OpGraph graph, List<Op> distinct, int[] index) {}

  /** {@code g} with its distinct ops. */
  static Prepared prepare(OpGraph g) {
    List<Op> ops = g.ops();
    int size = ops.size();
    Op[] seen = new Op[size];
    OpShape[] seenShapes = new OpShape[size];
    int[] index = new int[size];
    int seenCount = 0;
    for (int i = 0; i < size; i++) {
      Op op = ops.get(i);
      OpShape shape = op.shape();
      int found = -1;
      for (int j = 0; j < seenCount; j++) {
        if (sameWork(seen[j], seenShapes[j], op, shape)) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        found = seenCount;
        seen[seenCount] = op;
        seenShapes[seenCount++] = shape;
      }
      index[i] = found;
    }
    Op[] distinct = new Op[seenCount];
    for (int j = 0; j < seenCount; j++) {
      distinct[j] = seen[j].count() == 1 ? seen[j] : seen[j].times(1);
    }
    return new Prepared(g, List.of(distinct), index);
  }

  /**
   * Whether two ops are one op at different counts: the same kind, type, work and name, and equal
   * shapes (the same instance where the builder shared it, which is the common and cheap case). The
   * shapes come last: most pairs differ in the cheap fields, and a record's first {@code equals}
   * costs a bootstrap at start-up.
   */
  private static boolean sameWork(Op a, OpShape aShape, Op b, OpShape bShape) {
    return a.kind() == b.kind()
        && a.dtype() == b.dtype()
        && a.flops() == b.flops()
        && a.bytesRead() == b.bytesRead()
        && a.bytesWritten() == b.bytesWritten()
        && a.name().equals(b.name())
        && (aShape == bShape || aShape.equals(bShape));
  }
}
