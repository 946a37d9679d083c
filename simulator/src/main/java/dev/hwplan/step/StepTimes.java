package dev.hwplan.step;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.KeyedOpTimeModel;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.util.BoundedMemo;
import dev.hwplan.util.SecondSightMemo;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The step times behind {@link StepModel}, memoised by the value of the step (configuration and
 * composition) and of the op-time model, for op-time models with value equality ({@link
 * KeyedOpTimeModel}, what {@code Calibrations} hands out): an estimate builds a step model per
 * call, and a sweep meets the same steps across its configurations (the prefill of a batch and
 * prompt at every output length). A step time is stored at its second visit ({@link
 * SecondSightMemo}), so steps met once keep nothing alive. A hit is the step time the sum gave for
 * an equal step under an equal model; step times are immutable. Bounded and thread-safe.
 */
final class StepTimes {
  /** Step times remembered before the memo is emptied. */
  static final int CAPACITY = 1 << 13;

  private static final SecondSightMemo<Key, StepTime> TIMES = new SecondSightMemo<>(CAPACITY);

  /** Slots of the expert-load memo (a power of two). */
  static final int LOAD_SLOTS = 1 << 12;

  /**
   * Where top-k routing sends a block's tokens ({@link Ops#expertLoad}, a pure function of four
   * integers), by value, direct-mapped: a slot holds the last load that hashed there. Decode steps
   * meet the same token counts again and again (one per batch size), under every configuration of a
   * model, where the step times differ. Entries are immutable: a racing read sees one whole entry.
   */
  private static final Load[] LOADS = new Load[LOAD_SLOTS];

  private record Load(int experts, int topK, int ep, long tokens, Ops.ExpertLoad load) {}

  /**
   * The busiest rows' ceilings of the loads that miss {@link #LOADS}, by value: a prefill's token
   * count is seldom met twice, but its routing parameters are ({@link ExpertRowsTable}).
   */
  private static final ExpertRowsTable ROWS = new ExpertRowsTable();

  /** Models whose {@link LayerKinds} are remembered before that memo is emptied. */
  static final int KINDS_CAPACITY = 1 << 8;

  /**
   * Each model's layers by kind, by the model's value: every step of a model groups its layers (80
   * for a 70b), and an estimate builds two steps and a sweep thousands.
   */
  private static final BoundedMemo<ModelKey, LayerKinds> KINDS = new BoundedMemo<>(KINDS_CAPACITY);

  private StepTimes() {}

  /** {@code m}'s layers by kind ({@link LayerKinds#of}), remembered by the model's value. */
  static LayerKinds layerKinds(ModelSpec m) {
    return KINDS.get(new ModelKey(m), k -> LayerKinds.of(k.model));
  }

  /**
   * A model by value. The hash is the id's (a string's hash is kept by the string) and the layer
   * count: equal models have equal ids, so it agrees with {@code equals}, which is the model's
   * record equality, at once where the models are the same instance.
   */
  private record ModelKey(ModelSpec model) {
    @Override
    public int hashCode() {
      return model.id().hashCode() * 31 + model.numHiddenLayers();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ModelKey k && (model == k.model || model.equals(k.model));
    }
  }

  /** {@link Ops#expertLoad}, remembered by value. */
  static Ops.ExpertLoad expertLoad(int experts, int topK, int ep, long tokens) {
    long h = (((long) experts << 40) ^ ((long) topK << 20) ^ ep) * 0x9E3779B97F4A7C15L + tokens;
    int slot = (int) ((h * 0x9E3779B97F4A7C15L) >>> 52) & (LOAD_SLOTS - 1);
    Load l = LOADS[slot];
    if (l != null && l.tokens == tokens && l.experts == experts && l.topK == topK && l.ep == ep) {
      return l.load;
    }
    Ops.ExpertLoad load = Ops.expertLoad(experts, topK, ep, tokens, ROWS);
    LOADS[slot] = new Load(experts, topK, ep, tokens, load);
    return load;
  }

  /**
   * The graph of a step of composition {@code s} under {@code c}, with its distinct ops; where
   * every layer is alike and dense, each op counts as distinct (the few ops of equal work, norms of
   * one width, cost less to predict again than to find).
   */
  static Prepared of(StepConfig c, StepComposition s) {
    LayerOps.Graph ops = TransformerStep.ops(c, s);
    OpGraph g = new OpGraph(ops);
    return ops.alike ? new Prepared(g, null, null) : prepare(g);
  }

  /**
   * The time of a step of composition {@code s} under {@code c} and {@code times}, as {@code sum}
   * gives it for the step's graph; remembered where {@code times} has value equality.
   */
  static StepTime time(
      StepConfig c,
      StepComposition s,
      OpTimeModel times,
      BiFunction<Prepared, OpTimeModel, StepTime> sum) {
    if (!(times instanceof KeyedOpTimeModel)) {
      return sum.apply(of(c, s), times);
    }
    return TIMES.get(Key.of(c, s, times), k -> sum.apply(of(c, s), times));
  }

  /**
   * A step and an op-time model by value. The hash leaves out the model's layers and notes (equal
   * configurations have equal model ids, so it agrees with {@code equals}) and costs a few field
   * reads, as does the comparison of compositions; configurations compare as whole values, at once
   * where they are the same instance. It is taken once, when the key is made: the memo asks for it
   * twice (its table of bits, then the map).
   */
  private record Key(StepConfig config, StepComposition composition, OpTimeModel times, int hash) {
    static Key of(StepConfig config, StepComposition composition, OpTimeModel times) {
      return new Key(config, composition, times, hash(config, composition, times));
    }

    @Override
    public int hashCode() {
      return hash;
    }

    private static int hash(StepConfig config, StepComposition composition, OpTimeModel times) {
      Parallelism par = config.parallelism();
      int h = config.model().id().hashCode();
      h = mix(h, par.tp());
      h = mix(h, par.pp());
      h = mix(h, par.dp());
      h = mix(h, par.ep());
      h = mix(h, par.expertsOnTp() ? 1 : 0);
      h = mix(h, config.weights().key().hashCode());
      h = mix(h, config.kv().key().hashCode());
      h = mix(h, config.mlaLayout().ordinal());
      h = mix(h, config.execution().ordinal());
      List<StepComposition.Prefill> prefills = composition.prefills();
      for (int i = 0, size = prefills.size(); i < size; i++) {
        StepComposition.Prefill p = prefills.get(i);
        h = mix(h, Long.hashCode(p.sequences()));
        h = mix(h, Long.hashCode(p.tokens()));
        h = mix(h, Long.hashCode(p.prefix()));
      }
      h = mix(h, Long.hashCode(composition.decodes()));
      h = mix(h, Long.hashCode(composition.decodeContext()));
      return mix(h, times.hashCode());
    }

    /** A multiplier that spreads small numbers (31 would make batch x prompt grids collide). */
    private static int mix(int h, int x) {
      return h * 0x9E3779B1 + x;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && hash == k.hash
          && sameComposition(composition, k.composition)
          && times.equals(k.times)
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
   * once, or norms of equal width) is predicted once, since a prediction depends on the op's work
   * and shape, not on its name or count.
   *
   * @param graph the graph
   * @param distinct the first op of each kind of work, in the graph's order; null: every op
   * @param index for each op of the graph, its entry in {@code distinct}; null: its own position
   */
  record Prepared(OpGraph graph, Op[] distinct, int[] index) {}

  /** {@code g} with its distinct ops. */
  static Prepared prepare(OpGraph g) {
    List<Op> ops = g.ops();
    int size = ops.size();
    Op[] seen = new Op[size];
    OpShape[] seenShapes = new OpShape[size];
    // The ops seen, chained by their flops' hash (few pairs share flops): an op is compared only
    // with the ops of its chain. Ops of the same work have the same flops, and the work is an
    // equivalence, so at most one op seen matches: the chain's order does not matter.
    int buckets = Integer.highestOneBit(Math.max(1, size) * 2 - 1) * 2;
    int[] head = new int[buckets];
    int[] next = new int[size];
    int[] index = new int[size];
    int seenCount = 0;
    for (int i = 0; i < size; i++) {
      Op op = ops.get(i);
      OpShape shape = op.shape();
      long bits = Double.doubleToLongBits(op.flops() + 0.0); // -0.0 == 0.0: one bucket
      int bucket = (int) ((bits * 0x9E3779B97F4A7C15L) >>> 40) & (buckets - 1);
      int found = -1;
      for (int j = head[bucket] - 1; j >= 0; j = next[j] - 1) {
        if (sameWork(seen[j], seenShapes[j], op, shape)) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        found = seenCount;
        seen[seenCount] = op;
        seenShapes[seenCount] = shape;
        next[seenCount] = head[bucket];
        head[bucket] = ++seenCount;
      }
      index[i] = found;
    }
    return new Prepared(g, Arrays.copyOf(seen, seenCount), index);
  }

  /**
   * Whether two ops do the same work, whatever their names and counts: the same kind, type, FLOPs
   * and bytes, and equal shapes (the same instance where the builder shared it, which is the common
   * and cheap case). A prediction reads nothing else of an op, so such ops are predicted once (a
   * dense layer's attention and MLP norms and the final norm, say). The shapes come last: most
   * pairs differ in the cheap fields, and a record's first {@code equals} costs a bootstrap at
   * start-up.
   */
  private static boolean sameWork(Op a, OpShape aShape, Op b, OpShape bShape) {
    return a.kind() == b.kind()
        && a.dtype() == b.dtype()
        && a.flops() == b.flops()
        && a.bytesRead() == b.bytesRead()
        && a.bytesWritten() == b.bytesWritten()
        && (aShape == bShape || aShape.equals(bShape));
  }
}
