package dev.hwplan.serving;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.KvCacheCalculator;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.StepConfig;
import java.util.List;
import java.util.Locale;

/**
 * The proposer of speculative decoding on a replica's GPUs: its step time and what it takes from
 * the KV cache's memory (its weights, and its own KV a token).
 *
 * <ul>
 *   <li>{@code ngram}: nothing on the GPU;
 *   <li>{@code eagle}, {@code mtp}: one decoder layer of the target's shape (the target's last), on
 *       the target's TP, sharing the target's embedding and LM head: its weights are one layer's,
 *       {@code (W(L layers) - W(1 layer)) / (L - 1)} in the memory model, and its KV one layer's a
 *       token;
 *   <li>{@code draft}: another model (same vocabulary), on the same GPUs with the same TP and
 *       dtypes, with its own weights and KV.
 * </ul>
 *
 * @param speculation the simulator's speculation (with the drafter's step time)
 * @param weightBytesPerGpu the drafter's weights on each GPU
 * @param kvBytesPerTokenPerGpu the drafter's KV a token on each GPU
 */
record Drafter(Speculation speculation, long weightBytesPerGpu, long kvBytesPerTokenPerGpu) {
  /** The drafter for {@code method} with k proposals at acceptance α next to {@code target}. */
  static Drafter of(
      StepConfig target,
      GpuProfile gpu,
      Speculation.Method method,
      int k,
      double alpha,
      ModelSpec draftModel) {
    if (method == Speculation.Method.NGRAM) {
      if (draftModel != null) {
        throw InvalidInputException.option(
            "--speculative-model", "only with --speculative-method draft");
      }
      return new Drafter(new Speculation(method, k, alpha, null, "n-gram prompt lookup"), 0, 0);
    }
    ModelSpec t = target.model();
    Parallelism one = new Parallelism(target.parallelism().tp(), 1, 1, 1);
    ModelSpec m;
    String what;
    long weights;
    if (method == Speculation.Method.DRAFT) {
      if (draftModel == null) {
        throw InvalidInputException.option(
            "--speculative-model", "--speculative-method draft needs the draft model");
      }
      if (draftModel.vocabSize() != t.vocabSize()) {
        throw InvalidInputException.option(
            "--speculative-model",
            draftModel.id()
                + "'s vocabulary ("
                + draftModel.vocabSize()
                + ") is not "
                + t.id()
                + "'s ("
                + t.vocabSize()
                + ")");
      }
      m = draftModel;
      what = draftModel.id();
      weights = InferenceMemoryCalculator.weightBytesPerGpu(m, one, target.weights());
    } else {
      if (draftModel != null) {
        throw InvalidInputException.option(
            "--speculative-model", "only with --speculative-method draft");
      }
      m = oneLayer(t);
      what = "one layer of " + t.id();
      long all = InferenceMemoryCalculator.weightBytesPerGpu(t, one, target.weights());
      long first = InferenceMemoryCalculator.weightBytesPerGpu(m, one, target.weights());
      weights = t.numHiddenLayers() > 1 ? (all - first) / (t.numHiddenLayers() - 1) : first;
    }
    // The draft runs on the target's TP ranks; an MoE draft (EAGLE's or MTP's layer of an MoE
    // target) shards its experts as the target does (the same weight bytes either way).
    Parallelism run = one;
    if (target.parallelism().expertsOnTp()
        && m.moe() != null
        && m.layers().stream().anyMatch(l -> l.moe())
        && m.moe().nRoutedExperts() % one.tp() == 0) {
      run = new Parallelism(one.tp(), 1, 1, 1, true);
    }
    StepConfig c =
        new StepConfig(
            m, run, target.weights(), target.kv(), target.mlaLayout(), target.execution());
    IterationTimer timer = IterationTimer.of(Calibrations.stepModel(c, gpu).table());
    long kv = KvCacheCalculator.tokenBytesPerGpu(m, target.kv(), target.mlaLayout(), one);
    return new Drafter(new Speculation(method, k, alpha, timer, what), weights, kv);
  }

  /** {@code t} cut to its last layer. */
  static ModelSpec oneLayer(ModelSpec t) {
    dev.hwplan.model.LayerSpec last = t.layers().get(t.layers().size() - 1);
    return new ModelSpec(
        t.id() + "-draft-layer",
        t.source(),
        t.modelType(),
        t.hiddenSize(),
        1,
        t.numAttentionHeads(),
        t.numKeyValueHeads(),
        t.headDim(),
        t.intermediateSize(),
        t.vocabSize(),
        t.tieWordEmbeddings(),
        t.maxPositionEmbeddings(),
        t.maxContext(),
        t.architecture(),
        t.moe(),
        t.mla(),
        List.of(new dev.hwplan.model.LayerSpec(0, last.slidingWindow(), last.moe())),
        t.torchDtype(),
        List.of());
  }

  /** A note on the drafter for the plan's notes. */
  String note(long blocksBefore, long blocksAfter) {
    Speculation s = speculation;
    return String.format(
        Locale.ROOT,
        "speculative decoding: %s, k = %d, acceptance %.2f: %.3f tokens a verify step"
            + " (Leviathan et al. 2023)%s",
        s.drafter(),
        s.tokens(),
        s.acceptance(),
        s.expectedTokensPerStep(),
        weightBytesPerGpu == 0 && kvBytesPerTokenPerGpu == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "; its weights (%.2f GiB a GPU) and KV take the cache from %d to %d blocks",
                weightBytesPerGpu / (double) (1L << 30),
                blocksBefore,
                blocksAfter));
  }
}
