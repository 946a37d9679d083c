package dev.hwplan.parallel;

import static dev.hwplan.io.Checks.positiveOption;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;

/**
 * How a model is split across GPUs: tensor ({@code tp}), pipeline ({@code pp}), data ({@code dp})
 * and expert ({@code ep}) parallel degrees.
 */
public record Parallelism(int tp, int pp, int dp, int ep) {
  public Parallelism {
    positiveOption(tp, "--tp", "integer");
    positiveOption(pp, "--pp", "integer");
    positiveOption(dp, "--dp", "integer");
    positiveOption(ep, "--ep", "integer");
  }

  /** Tensor and pipeline parallel only. */
  public static Parallelism of(int tp, int pp) {
    return new Parallelism(tp, pp, 1, 1);
  }

  /** One GPU. */
  public static Parallelism single() {
    return new Parallelism(1, 1, 1, 1);
  }

  /** GPUs of the layout: with expert parallelism every EP rank is a TP x PP group of its own. */
  public int gpus() {
    return tp * pp * dp * ep;
  }

  /**
   * Checks that this layout can run {@code m}: TP must divide the attention heads (Megatron's
   * column split), KV heads must split or replicate evenly (vLLM requires {@code tp % kv == 0} or
   * {@code kv % tp == 0}), and PP may not exceed the layer count.
   */
  public void validateFor(ModelSpec m) {
    if (m.numAttentionHeads() % tp != 0) {
      throw InvalidInputException.option(
          "--tp",
          "tensor parallel size "
              + tp
              + " does not divide the "
              + m.numAttentionHeads()
              + " attention heads of "
              + m.id());
    }
    int kv = m.numKeyValueHeads();
    if (m.mla() == null && kv % tp != 0 && tp % kv != 0) {
      throw InvalidInputException.option(
          "--tp",
          "tensor parallel size "
              + tp
              + " neither divides nor is a multiple of the "
              + kv
              + " KV heads of "
              + m.id());
    }
    if (ep > 1) {
      if (m.moe() == null || m.layers().stream().noneMatch(l -> l.moe())) {
        throw InvalidInputException.option(
            "--ep", "expert parallel size " + ep + " needs an MoE model; " + m.id() + " has none");
      }
      if (m.moe().nRoutedExperts() % ep != 0) {
        throw InvalidInputException.option(
            "--ep",
            "expert parallel size "
                + ep
                + " does not divide the "
                + m.moe().nRoutedExperts()
                + " routed experts of "
                + m.id());
      }
    }
    if (pp > m.numHiddenLayers()) {
      throw InvalidInputException.option(
          "--pp",
          "pipeline parallel size " + pp + " exceeds the " + m.numHiddenLayers() + " layers");
    }
  }

  /** KV heads one TP rank stores: a share of them, or one replicated head when TP exceeds them. */
  public int kvHeadsPerRank(ModelSpec m) {
    return Math.max(1, m.numKeyValueHeads() / tp);
  }

  /** Whether TP exceeds the KV heads, so that ranks hold copies of the same head (as vLLM does). */
  public boolean replicatesKvHeads(ModelSpec m) {
    return m.mla() == null && tp > m.numKeyValueHeads();
  }

  /** Layers on the largest pipeline stage. */
  public int layersPerStage(ModelSpec m) {
    return (m.numHiddenLayers() + pp - 1) / pp;
  }
}
