package dev.hwplan.training;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.ParameterCounter;
import java.util.Arrays;

/**
 * A model's parameters by part, per layer before TP ({@link ParameterCounter}'s counts), and what
 * one GPU of a pipeline stage holds of them ({@link ModelCopy#firstLayer}'s split of the layers).
 */
final class StageParams {
  final int layers;
  private final ModelSpec model;
  private final int[] moePrefix;
  private final double attnSplit;
  private final double attnReplicated;
  private final double denseMlp;
  private final double sharedMlp;
  private final double routedAll;
  private final double router;
  private final double embedding;
  private final double head;
  private final double finalNorm;

  /** {@link #candidateStages} for PP 1 to the layers, by PP; read only. */
  private final int[][] candidates;

  StageParams(ModelSpec m) {
    this.model = m;
    this.layers = m.numHiddenLayers();
    this.moePrefix = new int[layers + 1];
    for (int i = 0; i < layers; i++) {
      moePrefix[i + 1] = moePrefix[i] + (m.layers().get(i).moe() ? 1 : 0);
    }
    long d = m.hiddenSize();
    double normSize = m.architecture().rmsNorm() ? d : 2.0 * d;
    long replicated = ParameterCounter.replicatedAttentionParams(m);
    this.attnSplit = ParameterCounter.attentionParams(m) - replicated;
    this.attnReplicated = replicated + m.architecture().normsPerLayer() * normSize;
    boolean gated = m.architecture().gatedMlp();
    this.denseMlp = (gated ? 3.0 : 2.0) * d * m.intermediateSize();
    if (m.moe() != null) {
      double one = (gated ? 3.0 : 2.0) * d * m.moe().moeIntermediateSize();
      this.sharedMlp = m.moe().nSharedExperts() * one;
      this.routedAll = m.moe().nRoutedExperts() * one;
      this.router = m.moe().nRoutedExperts() * (double) d;
    } else {
      this.sharedMlp = 0;
      this.routedAll = 0;
      this.router = 0;
    }
    var count = ParameterCounter.count(m);
    this.embedding = count.embedding();
    this.head = count.outputHead();
    this.finalNorm = normSize;
    // every layout of a search asks for its PP's stages three times (memory, time, the sync)
    this.candidates = new int[layers + 1][];
    for (int pp = 1; pp <= layers; pp++) {
      candidates[pp] = stagesOf(pp);
    }
  }

  /** MoE layers among layers {@code from} (inclusive) to {@code to} (exclusive). */
  int moeLayers(int from, int to) {
    return moePrefix[to] - moePrefix[from];
  }

  /** One layer's parameters on one GPU (dense and MoE layers differ). */
  double layerParams(int tp, int ep, boolean moe) {
    double p = attnSplit / tp + attnReplicated;
    if (moe) {
      return p + sharedMlp / tp + router + routedAll / ((double) ep * tp);
    }
    return p + denseMlp / tp;
  }

  /**
   * The stages that a look at the most loaded stage of {@code pp} checks, in this order: the first
   * (the embedding), the last (the head and the logits), when the layers do not split evenly over
   * more than two stages the second (the first of those with a layer more, {@link
   * ModelCopy#firstLayer}), and, where the MoE layers are not spread like the layers (DeepSeek-V3's
   * first three are dense), the earliest stage with the most MoE layers (the most layers among
   * those): under 1F1B an earlier stage holds more micro-batches, so it is the heaviest of them in
   * memory and, with every MoE layer slower than a dense one, in time. Found by a new user's audit
   * (issue 15): at PP 32 DeepSeek-V3's stages 0 and 1 hold dense layers only, and the plan ranked
   * first did not fit on stage 2. The array is shared: callers only read it.
   */
  int[] candidateStages(int pp) {
    return pp < candidates.length ? candidates[pp] : stagesOf(pp);
  }

  private int[] stagesOf(int pp) {
    if (pp == 1) {
      return new int[] {0};
    }
    int[] base = pp == 2 || layers % pp == 0 ? new int[] {0, pp - 1} : new int[] {0, pp - 1, 1};
    int heaviest = -1;
    for (int k = 0; k < pp; k++) {
      if (heaviest < 0
          || stageMoeLayers(k, pp) > stageMoeLayers(heaviest, pp)
          || (stageMoeLayers(k, pp) == stageMoeLayers(heaviest, pp)
              && stageLayers(k, pp) > stageLayers(heaviest, pp))) {
        heaviest = k;
      }
    }
    for (int k : base) {
      if (k == heaviest) {
        return base;
      }
    }
    int[] out = Arrays.copyOf(base, base.length + 1);
    out[base.length] = heaviest;
    return out;
  }

  /** Layers on stage {@code k} of {@code pp}. */
  int stageLayers(int k, int pp) {
    return ModelCopy.firstLayer(layers, pp, k + 1) - ModelCopy.firstLayer(layers, pp, k);
  }

  /** MoE layers on stage {@code k} of {@code pp}. */
  int stageMoeLayers(int k, int pp) {
    return moeLayers(ModelCopy.firstLayer(layers, pp, k), ModelCopy.firstLayer(layers, pp, k + 1));
  }

  /** Dense (data-parallel sharded) parameters on one GPU of stage {@code k}. */
  double stageDense(int k, int tp, int pp) {
    int n = stageLayers(k, pp);
    int nMoe = stageMoeLayers(k, pp);
    double d =
        n * (attnSplit / tp + attnReplicated)
            + (n - nMoe) * denseMlp / tp
            + nMoe * (sharedMlp / tp + router);
    if (k == 0) {
      d += embedding / tp;
    }
    if (k == pp - 1) {
      double h = head;
      if (model.tieWordEmbeddings() && pp > 1) {
        h = (double) model.vocabSize() * model.hiddenSize();
      }
      d += h / tp + finalNorm;
    }
    return d;
  }

  /** Routed-expert parameters on one GPU of stage {@code k}. */
  double stageExpert(int k, int tp, int pp, int ep) {
    return stageMoeLayers(k, pp) * routedAll / ((double) ep * tp);
  }
}
