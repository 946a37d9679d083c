package dev.hwplan.step;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.AttentionKind;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpKind;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.StepSpread;
import dev.hwplan.util.BoundedMemo;
import java.util.ArrayList;
import java.util.List;

/**
 * The one door to step times: how long a step of a given composition takes for one configuration
 * (model, parallel layout, dtypes, execution form) under one op-time model, and why. Inference,
 * serving, training and the report ask it; nothing else sums op graphs.
 *
 * <p>{@link #time} gives the breakdown; {@link #seconds} gives the time alone and is memoised by
 * the composition's value (bounded and thread-safe), which is what simulators that ask for millions
 * of steps need. Both return the same number for the same composition. Behind {@link #time}, step
 * times are memoised by the value of the configuration, the composition and the op-time model where
 * it has one ({@link StepTimes}): estimates build a step model per call, and that memo outlives it.
 */
public final class StepModel {
  /** Compositions remembered by {@link #seconds} before the memo is emptied. */
  static final int MEMO_CAPACITY = 1 << 16;

  private final StepConfig config;
  private final OpTimeModel times;
  private final BoundedMemo<StepComposition, Double> memo = new BoundedMemo<>(MEMO_CAPACITY);

  /**
   * A note every step's time carries ({@link #onNodes}: weights run otherwise than asked), or null.
   */
  private final String runsAs;

  /**
   * Steps of {@code config} timed by {@code times}, its compute-bound predictions scaled by the
   * execution form's {@link Execution#computeBoundScale} and, for an MoE model (the only one whose
   * steps hold grouped GEMMs), its grouped GEMMs' by {@link SustainedClock#IN_STEP_GROUPED_SCALE}:
   * a dense model's eager steps keep {@code times} itself, unwrapped.
   */
  public StepModel(StepConfig config, OpTimeModel times) {
    this(config, times, null);
  }

  private StepModel(StepConfig config, OpTimeModel times, String runsAs) {
    this.config = config;
    double grouped = config.model().moe() != null ? SustainedClock.IN_STEP_GROUPED_SCALE : 1;
    this.times = SustainedClock.of(times, config.execution().computeBoundScale, grouped);
    this.runsAs = runsAs;
  }

  /**
   * Steps of {@code config} as it runs on {@code gpu} ({@link StepConfig#on}: fp8 weights
   * weight-only where the GPU has no fp8 arithmetic) timed by {@code times}, a replica larger than
   * a node with its collectives across nodes through the NICs of the bundled cluster that holds
   * {@code gpu} ({@link NodeSpan}; as before where no cluster holds it).
   */
  public static StepModel onNodes(StepConfig config, OpTimeModel times, GpuProfile gpu) {
    StepConfig run = config.on(gpu);
    return new StepModel(
        run,
        NodeSpan.of(times, config.parallelism(), ClusterCatalog.forGpu(gpu.id())),
        run.equals(config)
            ? null
            : gpu.id()
                + " has no fp8 arithmetic: fp8 weights run weight-only, dequantised for bf16"
                + " arithmetic (W8A16, as vLLM's FP8 Marlin kernels run them)");
  }

  public StepConfig config() {
    return config;
  }

  /** The op-time model's mode: what every prediction of this step model reports. */
  public Mode mode() {
    return times.mode();
  }

  /** The op-time model, for {@link StepTimeTable}'s probes (which time parts of a graph). */
  OpTimeModel timeModel() {
    return times;
  }

  /**
   * A fast table of this model's step times for simulators that ask for millions of steps (see
   * {@link StepTimeTable}); each call gives a new, empty table.
   */
  public StepTimeTable table() {
    return new StepTimeTable(this);
  }

  /** The ops of a step of composition {@code s}. */
  public OpGraph graph(StepComposition s) {
    return TransformerStep.build(config, s);
  }

  /**
   * The time of a step of composition {@code s}, with its interval, per-op breakdown and notes. The
   * interval is the sum of the ops' intervals, or, where whole steps of its kind were measured on
   * the op-time model's GPU ({@link OpTimeModel#stepSpread}: the calibrated mode on a bundled H100
   * or H200), their spread: the prediction of every op but the collectives times the measured
   * steps' bounds ({@link StepSpread.Bounds}), plus the collectives' own intervals. The measured
   * steps are bf16 Llama-3.1-8B (dense, GQA) and Mixtral-8x7B with 4 layers (MoE, GQA) on one GPU,
   * eager and compiled: a step with other weight or cache types, or MLA attention, keeps the sum of
   * its ops' intervals. A step holding a prefill chunk is a prefill. Two uses extrapolate: a step
   * on several GPUs (tensor, pipeline or expert parallel) takes the bounds for its ops on one GPU,
   * and the serving form ({@link Execution#FUSED}), never measured as a whole step, takes the
   * compiled form's, though its decode attention is the split-K kernel and its compute-bound ops
   * are not scaled by the compiled form's 1.036.
   */
  public StepTime time(StepComposition s) {
    StepTime t = timeOf(s);
    if (runsAs == null) {
      return t;
    }
    List<String> notes = new ArrayList<>(List.of(runsAs));
    notes.addAll(t.notes());
    return new StepTime(t.seconds(), t.lowSeconds(), t.highSeconds(), t.ops(), notes);
  }

  private StepTime timeOf(StepComposition s) {
    StepTime t = StepTimes.time(config, s, times, StepModel::sum);
    StepSpread spread = measuredSpread();
    StepSpread.Bounds b =
        spread == null
            ? null
            : spread.bounds(
                new StepSpread.Kind(
                    config.execution() != Execution.EAGER,
                    config.model().moe() != null,
                    !s.decodeOnly()));
    if (b == null) {
      return t;
    }
    double apart = 0;
    double apartLow = 0;
    double apartHigh = 0;
    for (OpTime op : t.ops()) {
      if (op.kind().equals(OpKind.COLLECTIVE.key()) || op.kind().equals(OpKind.P2P.key())) {
        apart += op.seconds();
        apartLow += op.lowSeconds();
        apartHigh += op.highSeconds();
      }
    }
    double rest = t.seconds() - apart;
    return new StepTime(
        t.seconds(), rest * b.low() + apartLow, rest * b.high() + apartHigh, t.ops(), t.notes());
  }

  /** The measured steps' spread where it applies to this model's steps, else null. */
  private StepSpread measuredSpread() {
    if (!config.weights().equals(WeightDtype.BF16)
        || !config.kv().equals(KvDtype.BF16)
        || config.model().attentionKind() == AttentionKind.MLA) {
      return null;
    }
    return times.stepSpread();
  }

  /**
   * The time of any op graph under this model's op-time model: the training planner's per-layer
   * forward and backward graphs ({@link TrainingStep}) go through here.
   */
  public StepTime time(OpGraph g) {
    return sum(g, times);
  }

  /** The time of a step of composition {@code s} in seconds, memoised by value. */
  public double seconds(StepComposition s) {
    return memo.get(s, k -> sum(TransformerStep.build(config, k), times).seconds());
  }

  /**
   * The backward pass of the causal attention of every layer, for {@code batch} sequences of {@code
   * tokens} tokens (what training adds to the forward step; see {@link
   * TransformerStep#attentionBackward}). The forward attention of the same pass is in {@link #time}
   * of {@code StepComposition.prefill(batch, tokens)}.
   */
  public StepTime attentionBackward(long batch, long tokens) {
    return sum(TransformerStep.attentionBackward(config, batch, tokens), times);
  }

  /**
   * Times every op of a graph and sums them. An op whose work and shape are those of an earlier op
   * of the graph (the attention half of dense and MoE layers, say, which {@link TransformerStep}
   * builds once) is predicted once: a prediction depends on the op's work and shape, not on its
   * count.
   */
  public static StepTime sum(OpGraph g, OpTimeModel model) {
    return sum(StepTimes.prepare(g), model);
  }

  private static StepTime sum(StepTimes.Prepared g, OpTimeModel model) {
    List<Op> graphOps = g.graph().ops();
    Op[] distinct = g.distinct();
    int[] index = g.index();
    int distinctCount = distinct == null ? graphOps.size() : distinct.length;
    Prediction[] predictions = new Prediction[distinctCount];
    // Most predictions have no notes, and models share their note lists: each list instance is
    // kept once, in order, and their notes are made distinct at the end.
    List<List<String>> noteLists = null;
    for (int j = 0; j < distinctCount; j++) {
      Prediction p = model.predict(distinct == null ? graphOps.get(j) : distinct[j]);
      predictions[j] = p;
      List<String> pn = p.notes();
      if (p.mode() != Mode.MEASURED && !pn.isEmpty()) {
        if (noteLists == null) {
          noteLists = new ArrayList<>(4);
        }
        if (!containsInstance(noteLists, pn)) {
          noteLists.add(pn);
        }
      }
    }
    int size = graphOps.size();
    OpTime[] ops = new OpTime[size];
    double t = 0;
    double lo = 0;
    double hi = 0;
    for (int i = 0; i < size; i++) {
      Op op = graphOps.get(i);
      Prediction p = predictions[index == null ? i : index[i]];
      int n = op.count();
      t += p.seconds() * n;
      lo += p.lowSeconds() * n;
      hi += p.highSeconds() * n;
      ops[i] =
          new OpTime(
              op.name(),
              op.kind().key(),
              n,
              p.seconds(),
              p.seconds() * n,
              p.lowSeconds() * n,
              p.highSeconds() * n,
              p.bound().key(),
              p.mode().key(),
              op.flops() * n,
              op.bytes() * n);
    }
    List<String> stepNotes = noteLists == null ? List.of() : StepTime.distinct(noteLists);
    return new StepTime(t, lo, hi, List.of(ops), stepNotes);
  }

  /** Whether {@code lists} holds {@code list} itself (note lists are shared instances). */
  private static boolean containsInstance(List<List<String>> lists, List<String> list) {
    for (int i = 0; i < lists.size(); i++) {
      if (lists.get(i) == list) {
        return true;
      }
    }
    return false;
  }
}
