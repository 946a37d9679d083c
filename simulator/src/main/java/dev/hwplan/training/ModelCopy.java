package dev.hwplan.training;

import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.model.MoeSpec;
import dev.hwplan.model.ParameterCounter;

/**
 * The weights, gradients and optimizer state one GPU holds for one copy of a model: the reusable
 * part of the training memory model. The training planner holds one trainable copy; a post-training
 * setup (PPO: policy, reference, reward and value models) holds several, some frozen.
 *
 * <p>Parameters on a GPU: a pipeline stage's layers, split by tensor parallelism as Megatron-LM
 * splits them (attention and MLP matrices by {@code tp}; norms, MoE routers and MLA's
 * down-projections whole on every rank), routed experts split over {@code ep x tp}, the embedding
 * on the first stage and the output head on the last (a tied head is a second copy there, as
 * Megatron-LM keeps it). ZeRO (Rajbhandari et al. 2020) shards over the data-parallel group of
 * {@code shardGroup} GPUs: stage 1 the optimizer state, stage 2 also the gradients, stage 3 (FSDP's
 * full sharding) also the weights; routed experts shard over {@code shardGroup / ep} (their
 * data-parallel group). Offload moves the optimizer state to host memory.
 *
 * @param trainable whether the copy has gradients and optimizer state
 * @param precision the trainable copy's precision (weights, gradients, optimizer bytes)
 * @param frozenBytesPerParam bytes per parameter of a frozen copy (2 for bf16, 1 for fp8, ~0.5 for
 *     4-bit); ignored when trainable
 */
public record ModelCopy(
    ModelSpec model,
    boolean trainable,
    Precision precision,
    double frozenBytesPerParam,
    int tp,
    int pp,
    int ep,
    int shardGroup,
    int zero,
    boolean offload) {

  /** A trainable copy under {@code layout} at {@code precision}. */
  public static ModelCopy trainable(ModelSpec m, Precision p, Layout l) {
    return new ModelCopy(
        m, true, p, 0, l.tp(), l.pp(), l.ep(), l.shardGroup(), l.zero(), l.offload());
  }

  /** A frozen copy (a reference or reward model) of {@code bytesPerParam}, split by tp and pp. */
  public static ModelCopy frozen(ModelSpec m, double bytesPerParam, int tp, int pp) {
    return new ModelCopy(m, false, Precision.BF16, bytesPerParam, tp, pp, 1, 1, 0, false);
  }

  /**
   * Parameters on one GPU of a stage, as {@code dense} (sharded over the whole data-parallel group)
   * and {@code expert} (routed experts, sharded over {@code shardGroup / ep}).
   */
  public record Params(double dense, double expert) {
    public double total() {
      return dense + expert;
    }
  }

  /**
   * The first layer of stage {@code k} of {@code pp} ({@code k = pp} gives the layer count). Layers
   * split as evenly as possible: every stage holds {@code floor(L/pp)}, and the {@code L mod pp}
   * extra layers go to the stages after the first (the first holds the embedding and the most
   * micro-batches in flight), as Megatron-LM's uneven split ({@code
   * --decoder-first-pipeline-num-layers}) allows. When {@code L + 1} or {@code L + 2} divides by
   * {@code pp} this is the split that counts the embedding (and the loss) as a layer: the first
   * (and the last) stage a layer short ({@link PipelineSplit}).
   */
  public static int firstLayer(int layers, int pp, int k) {
    int base = layers / pp;
    int extra = layers % pp;
    // stages 1..extra hold base + 1 (stage 0 never does unless every stage does)
    int before = k * base + Math.max(0, Math.min(k - 1, extra));
    return Math.min(layers, before);
  }

  /** Parameters on one GPU of pipeline stage {@code stage}. */
  public Params params(int stage) {
    ModelSpec m = model;
    int layers = m.numHiddenLayers();
    int from = firstLayer(layers, pp, stage);
    int to = firstLayer(layers, pp, stage + 1);
    long d = m.hiddenSize();
    long normSize = m.architecture().rmsNorm() ? d : 2 * d;
    long replicatedAttention = ParameterCounter.replicatedAttentionParams(m);
    double attention = (ParameterCounter.attentionParams(m) - replicatedAttention) / (double) tp;
    attention += replicatedAttention + m.architecture().normsPerLayer() * (double) normSize;
    boolean gated = m.architecture().gatedMlp();
    double denseMlp = (gated ? 3.0 : 2.0) * d * m.intermediateSize() / tp;
    double dense = 0;
    double expert = 0;
    for (int i = from; i < to; i++) {
      LayerSpec l = m.layers().get(i);
      dense += attention;
      if (l.moe()) {
        MoeSpec e = m.moe();
        double one = (gated ? 3.0 : 2.0) * d * e.moeIntermediateSize();
        expert += e.nRoutedExperts() * one / ((double) ep * tp);
        dense += e.nSharedExperts() * one / tp + e.nRoutedExperts() * (double) d;
      } else {
        dense += denseMlp;
      }
    }
    var count = ParameterCounter.count(m);
    if (stage == 0) {
      dense += count.embedding() / (double) tp;
    }
    if (stage == pp - 1) {
      // the output head; a tied head is the embedding itself on one stage, a copy on the last
      double head = count.outputHead();
      if (m.tieWordEmbeddings() && pp > 1) {
        head = (double) m.vocabSize() * d;
      }
      dense += head / tp + normSize; // and the final norm
    }
    return new Params(dense, expert);
  }

  /**
   * Bytes one GPU of stage {@code stage} holds for this copy.
   *
   * @param weights the stored weights (fp8 copies included)
   * @param gradients the gradient buffers
   * @param optimizer master weights and Adam moments (0 when offloaded)
   * @param params the parameters on the GPU before sharding
   */
  public record Bytes(double weights, double gradients, double optimizer, double params) {
    public double total() {
      return weights + gradients + optimizer;
    }
  }

  public Bytes bytes(int stage) {
    Params p = params(stage);
    if (!trainable) {
      double w = p.total() * frozenBytesPerParam;
      return new Bytes(w, 0, 0, p.total());
    }
    double denseShard = shardGroup;
    double expertShard = Math.max(1, shardGroup / (double) ep);
    double w = shard(p, precision.weightBytes, zero >= 3, denseShard, expertShard);
    double g = shard(p, precision.gradBytes, zero >= 2, denseShard, expertShard);
    double o = offload ? 0 : shard(p, precision.optimizerBytes, zero >= 1, denseShard, expertShard);
    return new Bytes(w, g, o, p.total());
  }

  /** Parameters whose optimizer update this GPU runs (its ZeRO shard). */
  public double updatedParams(int stage) {
    Params p = params(stage);
    if (zero >= 1) {
      return p.dense() / shardGroup + p.expert() / Math.max(1, shardGroup / (double) ep);
    }
    return p.total();
  }

  private static double shard(
      Params p, double bytes, boolean sharded, double denseShard, double expertShard) {
    if (!sharded) {
      return p.total() * bytes;
    }
    return p.dense() * bytes / denseShard + p.expert() * bytes / expertShard;
  }
}
