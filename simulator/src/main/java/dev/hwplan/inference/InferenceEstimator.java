package dev.hwplan.inference;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.StepTime;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * The estimate with a given op-time model (its mode is what the estimate reports), a replica
   * larger than a node with its collectives across nodes ({@link StepModel#onNodes}).
   */
  public static InferenceEstimate estimate(InferenceRequest r, OpTimeModel model) {
    return estimate(r, StepModel.onNodes(r.config(), model, r.gpu()));
  }

  /** The estimate from a step model (its mode is what the estimate reports). */
  public static InferenceEstimate estimate(InferenceRequest r, StepModel steps) {
    StepConfig c = r.config();
    ModelSpec m = c.model();
    Parallelism par = c.parallelism();
    StepTime prefill;
    StepTime decode;
    try {
      // With expert parallelism each rank runs its share of the sequences (the busiest, rounded
      // up) and the step is that rank's.
      long perRank = (r.batch() + par.ep() - 1) / par.ep();
      prefill = steps.time(StepComposition.prefill(perRank, r.prompt()));
      decode = steps.time(StepComposition.decode(perRank, r.decodeContext()));
    } catch (ArithmeticException e) {
      // The step's token and expert-row counts are exact; past 2^63 the batch is no real batch.
      throw InvalidInputException.option(
          "--batch",
          r.batch()
              + " sequences of "
              + r.prompt()
              + " prompt tokens are more than 2^63 token-expert rows in one step");
    }
    // The steps' notes, each once, in order, and the estimate's own after them.
    List<String> notes = StepTime.notes(prefill, decode);
    // Memory as `hwplan memory` counts it (one definition of what fits): the batch fits when the
    // KV budget left after weights, activations and the reserve holds its sequences at their
    // final length.
    InferenceMemoryCalculator.Budget mem = InferenceMemoryCalculator.budget(memoryRequest(r));
    long weights = mem.weights();
    long kv;
    try {
      kv = Math.multiplyExact(mem.perSequence(), (r.batch() + par.ep() - 1) / par.ep());
    } catch (ArithmeticException e) {
      throw InvalidInputException.option(
          "--batch",
          "the KV cache of "
              + r.batch()
              + " sequences of "
              + (r.prompt() + r.output())
              + " tokens is more than 2^63 bytes (8 EiB), beyond what any machine holds");
    }
    long perRankBatch = (r.batch() + par.ep() - 1) / par.ep();
    boolean fits = mem.sequences() >= perRankBatch;
    if (par.ep() > 1) {
      notes =
          withNote(
              notes,
              "EP "
                  + par.ep()
                  + ": "
                  + par.gpus()
                  + " GPUs, each rank holds 1/"
                  + par.ep()
                  + " of the routed experts and runs "
                  + perRankBatch
                  + " of the "
                  + r.batch()
                  + " sequences; memory and KV are per GPU of one rank");
    }
    if (par.expertsOnTp()) {
      notes = withNote(notes, par.expertsOnTpNote(c.model()));
    }
    if (!fits) {
      notes =
          withNote(
              notes,
              "does not fit: "
                  + r.batch()
                  + " sequences of "
                  + (r.prompt() + r.output())
                  + " tokens need more KV cache than the "
                  + mem.sequences()
                  + " that `hwplan memory` finds room for");
    }
    if (par.pp() > 1) {
      notes =
          withNote(
              notes, "PP: one batch passes the stages in turn; micro-batching would overlap them");
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
        notes);
  }

  /** {@code notes} with {@code note} added at the end, unless it holds it. */
  private static List<String> withNote(List<String> notes, String note) {
    if (notes.contains(note)) {
      return notes;
    }
    List<String> out = new ArrayList<>(notes.size() + 1);
    out.addAll(notes);
    out.add(note);
    return out;
  }

  /**
   * The memory question for this request: its model, layout and dtypes, sequences at their final
   * length, and {@code memory}'s defaults (GPU memory utilisation 0.9, the default reserve and
   * profiling pass).
   */
  static InferenceMemoryCalculator.Request memoryRequest(InferenceRequest r) {
    StepConfig c = r.config();
    return new InferenceMemoryCalculator.Request(
        c.model(),
        r.gpu(),
        c.parallelism(),
        c.weights(),
        new KvCacheCalculator.Options(c.kv(), c.mlaLayout(), KvCacheCalculator.DEFAULT_BLOCK_SIZE),
        r.prompt() + r.output(),
        InferenceMemoryCalculator.DEFAULT_GPU_MEM_UTIL,
        InferenceMemoryCalculator.DEFAULT_RESERVE_BYTES,
        InferenceMemoryCalculator.DEFAULT_MAX_BATCHED_TOKENS);
  }
}
