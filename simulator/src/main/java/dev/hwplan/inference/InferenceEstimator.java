package dev.hwplan.inference;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.Op;
import dev.hwplan.perf.OpGraph;
import dev.hwplan.perf.OpShape;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.StepConfig;
import dev.hwplan.perf.TransformerStep;
import dev.hwplan.perf.calibration.Calibrations;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * TTFT, TPOT, throughput and memory of a configuration from the op graphs of its prefill and of a
 * decode step. A step's ops run one after another; with PP one batch passes every stage in turn (no
 * micro-batch overlap), so latency counts every layer and throughput is that of one batch.
 */
public final class InferenceEstimator {
  private InferenceEstimator() {}

  public static InferenceEstimate estimate(InferenceRequest r) {
    return estimate(r, Calibrations.model(r.gpu(), r.mode()));
  }

  /** The estimate with a given op-time model (its mode is what the estimate reports). */
  public static InferenceEstimate estimate(InferenceRequest r, OpTimeModel model) {
    StepConfig c = r.config();
    ModelSpec m = c.model();
    Parallelism par = c.parallelism();
    Set<String> notes = new LinkedHashSet<>();
    long kv = kvBytes(r, r.prompt() + r.output());
    OpGraph prefillGraph;
    OpGraph decodeGraph;
    try {
      prefillGraph = TransformerStep.prefill(c, r.batch(), r.prompt());
      decodeGraph = TransformerStep.decode(c, r.batch(), r.decodeContext());
    } catch (ArithmeticException e) {
      // The step's token and expert-row counts are exact; past 2^63 the batch is no real batch.
      throw InvalidInputException.option(
          "--batch",
          r.batch()
              + " sequences of "
              + r.prompt()
              + " prompt tokens are more than 2^63 token-expert rows in one step");
    }
    StepTime prefill = time(prefillGraph, model, notes);
    StepTime decode = time(decodeGraph, model, notes);
    long weights = InferenceMemoryCalculator.weightBytesPerGpu(m, par, c.weights());
    long reserve = InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES;
    boolean fits = kv <= r.gpu().memoryBytes() - reserve - weights;
    if (!fits) {
      notes.add("weights and KV cache do not fit in the GPU's memory");
    }
    if (par.pp() > 1) {
      notes.add("PP: one batch passes the stages in turn; micro-batching would overlap them");
    }
    double tpot = decode.seconds();
    return new InferenceEstimate(
        m.id(),
        r.gpu().id(),
        model.mode().key(),
        par.tp(),
        par.pp(),
        c.weights().key(),
        c.kv().key(),
        c.execution().key(),
        r.batch(),
        r.prompt(),
        r.output(),
        r.decodeContext(),
        prefill.seconds(),
        prefill.lowSeconds(),
        prefill.highSeconds(),
        tpot,
        decode.lowSeconds(),
        decode.highSeconds(),
        r.batch() / tpot,
        prefill.seconds() + (r.output() - 1) * tpot,
        weights,
        kv,
        weights + kv,
        fits,
        prefill.ops(),
        decode.ops(),
        new ArrayList<>(notes));
  }

  /**
   * Times every op of a graph. An op whose work and shape are those of an earlier op of the graph
   * (the attention half of dense and MoE layers, say, which {@link TransformerStep} builds once) is
   * predicted once: a prediction depends on the op's work and shape, not on its count.
   */
  public static StepTime time(OpGraph g, OpTimeModel model, Set<String> notes) {
    List<Op> graphOps = g.ops();
    int size = graphOps.size();
    List<OpTime> ops = new ArrayList<>(size);
    Op[] seen = new Op[size];
    OpShape[] seenShapes = new OpShape[size]; // scanned first: a flat array of references
    Prediction[] seenPredictions = new Prediction[size];
    int seenCount = 0;
    // Models share their note lists: a list already added (by identity) is skipped; few differ.
    List<?>[] addedNotes = new List<?>[8];
    int addedCount = 0;
    double t = 0;
    double lo = 0;
    double hi = 0;
    for (int i = 0; i < size; i++) {
      Op op = graphOps.get(i);
      Prediction p = null;
      OpShape shape = op.shape();
      for (int j = 0; j < seenCount; j++) {
        if (seenShapes[j] == shape && sameWork(seen[j], op)) {
          p = seenPredictions[j];
          break;
        }
      }
      if (p == null) {
        p = model.predict(op);
        seen[seenCount] = op;
        seenShapes[seenCount] = shape;
        seenPredictions[seenCount++] = p;
        if (notes != null && p.mode() != Mode.MEASURED && !p.notes().isEmpty()) {
          List<String> pn = p.notes();
          boolean added = false;
          for (int j = 0; j < addedCount && !added; j++) {
            added = addedNotes[j] == pn;
          }
          if (!added) {
            notes.addAll(pn);
            if (addedCount < addedNotes.length) {
              addedNotes[addedCount++] = pn;
            }
          }
        }
      }
      int n = op.count();
      t += p.seconds() * n;
      lo += p.lowSeconds() * n;
      hi += p.highSeconds() * n;
      ops.add(
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
              op.bytes() * n));
    }
    return new StepTime(t, lo, hi, ops);
  }

  /**
   * Whether two ops are one op at different counts: the same shape instance (a cheap test that
   * fails for most pairs) and the same kind, type, name and work.
   */
  private static boolean sameWork(Op a, Op b) {
    return a.shape() == b.shape()
        && a.kind() == b.kind()
        && a.dtype() == b.dtype()
        && a.flops() == b.flops()
        && a.bytesRead() == b.bytesRead()
        && a.bytesWritten() == b.bytesWritten()
        && a.name().equals(b.name());
  }

  /** KV bytes of the batch at {@code tokens} tokens on the GPU of the first pipeline stage. */
  static long kvBytes(InferenceRequest r, long tokens) {
    StepConfig c = r.config();
    ModelSpec m = c.model();
    Parallelism par = c.parallelism();
    int perStage = par.layersPerStage(m);
    long perLayer = KvCacheCalculator.bytesPerTokenPerLayer(m, c.kv(), c.mlaLayout(), par.tp());
    long total = 0;
    String what = "the KV cache of " + r.batch() + " sequences of " + tokens + " tokens";
    try {
      for (LayerSpec l : m.layers()) {
        if (l.index() < perStage) {
          total = Math.addExact(total, Math.multiplyExact(perLayer, l.cachedTokens(tokens)));
        }
      }
      return Math.multiplyExact(total, r.batch());
    } catch (ArithmeticException e) {
      throw InvalidInputException.option(
          r.batch() > 1 ? "--batch" : "--prompt",
          what + " is more than 2^63 bytes (8 EiB), beyond what any machine holds");
    }
  }
}
