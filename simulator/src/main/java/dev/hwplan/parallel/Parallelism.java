package dev.hwplan.parallel;

import static dev.hwplan.io.Checks.positiveOption;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.ModelSpec;

/**
 * How a model is split across GPUs: tensor ({@code tp}), pipeline ({@code pp}), data ({@code dp})
 * and expert ({@code ep}) parallel degrees.
 *
 * <p>Two forms of expert parallelism. With {@code ep > 1} every EP rank is a TP x PP group of its
 * own that runs its share of the requests' attention and exchanges the routed rows with the other
 * ranks by all-to-all (DeepSeek's and SGLang's data-parallel attention); each routed expert is
 * tensor-split over its group's TP ranks. With {@code expertsOnTp} (vLLM's {@code
 * --enable-expert-parallel} at data parallel size 1) the routed experts are sharded whole over the
 * TP ranks ({@code E/tp} each) on the same GPUs: attention stays tensor parallel, every rank sees
 * every token, runs the rows routed to its own experts, and the experts' partial outputs join in
 * the tensor-parallel all-reduce that follows the block (vLLM's {@code FusedMoE} with an expert
 * map), so no all-to-all is added.
 *
 * @param expertsOnTp whether the routed experts are sharded whole over the TP ranks (only with
 *     {@code ep = 1})
 */
public record Parallelism(int tp, int pp, int dp, int ep, boolean expertsOnTp) {
  public Parallelism {
    positiveOption(tp, "--tp", "integer");
    positiveOption(pp, "--pp", "integer");
    positiveOption(dp, "--dp", "integer");
    positiveOption(ep, "--ep", "integer");
    if (expertsOnTp && ep > 1) {
      throw InvalidInputException.option(
          "--enable-expert-parallel",
          "shards the experts over the --tp ranks of one group; with --ep "
              + ep
              + " every EP rank is a group of its own: use one or the other");
    }
  }

  /** Tensor, pipeline, data and expert parallel degrees, each routed expert tensor-split. */
  public Parallelism(int tp, int pp, int dp, int ep) {
    this(tp, pp, dp, ep, false);
  }

  /** This layout with {@code tp} tensor-parallel ranks, the rest as it is. */
  public Parallelism withTp(int tp) {
    return new Parallelism(tp, pp, dp, ep, expertsOnTp);
  }

  /** Tensor and pipeline parallel only. */
  public static Parallelism of(int tp, int pp) {
    return new Parallelism(tp, pp, 1, 1);
  }

  /** One GPU. */
  public static Parallelism single() {
    return new Parallelism(1, 1, 1, 1);
  }

  /**
   * The ranks the routed experts are sharded over, each holding {@code E / expertShards()} whole
   * experts' share: {@code ep}, or {@code tp} where the experts are sharded over the TP ranks.
   */
  public int expertShards() {
    return expertsOnTp ? tp * ep : ep;
  }

  /**
   * The ranks one routed expert's matrices are tensor-split over: 1 where they are sharded whole.
   */
  public int expertTp() {
    return expertsOnTp ? 1 : tp;
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
    if (ep > 1 || expertsOnTp) {
      String option = expertsOnTp ? "--enable-expert-parallel" : "--ep";
      int shards = expertShards();
      if (m.moe() == null || m.layers().stream().noneMatch(l -> l.moe())) {
        throw InvalidInputException.option(
            option,
            (expertsOnTp ? "expert parallelism" : "expert parallel size " + ep)
                + " needs an MoE model; "
                + m.id()
                + " has none");
      }
      if (m.moe().nRoutedExperts() % shards != 0) {
        throw InvalidInputException.option(
            option,
            "expert parallel size "
                + shards
                + (expertsOnTp ? " (its TP ranks)" : "")
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

  /**
   * What {@link #expertsOnTp} means for a step of {@code m}, in a note's words: the experts each
   * GPU holds, the rows it runs and where their outputs meet.
   */
  public String expertsOnTpNote(ModelSpec m) {
    int experts = m.moe() == null ? 0 : m.moe().nRoutedExperts();
    if (tp == 1) {
      return "--enable-expert-parallel at TP 1: every routed expert is on the one GPU, as"
          + " without it";
    }
    return "experts on the TP ranks (vLLM's --enable-expert-parallel): each of the "
        + tp
        + " GPUs of a group holds "
        + experts / expertShards()
        + " of the "
        + experts
        + " routed experts whole and runs every token routed to them; no all-to-all, their"
        + " outputs are summed by the TP all-reduce after the block";
  }

  /** Layers on the largest pipeline stage. */
  public int layersPerStage(ModelSpec m) {
    return (m.numHiddenLayers() + pp - 1) / pp;
  }
}
