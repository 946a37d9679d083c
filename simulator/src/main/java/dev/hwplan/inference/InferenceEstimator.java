package dev.hwplan.inference;

import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
    return estimate(r, new StepModel(r.config(), model));
  }

  /** The estimate from a step model (its mode is what the estimate reports). */
  public static InferenceEstimate estimate(InferenceRequest r, StepModel steps) {
    StepConfig c = r.config();
    ModelSpec m = c.model();
    Parallelism par = c.parallelism();
    StepTime prefill = steps.time(StepComposition.prefill(r.batch(), r.prompt()));
    StepTime decode = steps.time(StepComposition.decode(r.batch(), r.decodeContext()));
    Set<String> notes = new LinkedHashSet<>(prefill.notes());
    notes.addAll(decode.notes());
    long weights = InferenceMemoryCalculator.weightBytesPerGpu(m, par, c.weights());
    long kv = kvBytes(r, r.prompt() + r.output());
    long reserve = InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES;
    boolean fits = weights + kv + reserve <= r.gpu().memoryBytes();
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
        steps.mode().key(),
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

  /** KV bytes of the batch at {@code tokens} tokens on the GPU of the first pipeline stage. */
  static long kvBytes(InferenceRequest r, long tokens) {
    StepConfig c = r.config();
    ModelSpec m = c.model();
    Parallelism par = c.parallelism();
    int perStage = par.layersPerStage(m);
    long perLayer = KvCacheCalculator.bytesPerTokenPerLayer(m, c.kv(), c.mlaLayout(), par.tp());
    long total = 0;
    for (LayerSpec l : m.layers()) {
      if (l.index() < perStage) {
        total += perLayer * l.cachedTokens(tokens);
      }
    }
    return total * r.batch();
  }
}
