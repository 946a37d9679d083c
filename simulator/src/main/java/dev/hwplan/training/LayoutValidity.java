package dev.hwplan.training;

import dev.hwplan.model.ModelSpec;

/**
 * Why a layout cannot run a job on a GPU count: a code per reason (the search counts layouts by it)
 * and the reason in words for users. With {@code atMost} the GPU count is a ceiling.
 */
record LayoutValidity(TrainingJob job, int gpus, boolean atMost) {

  /** Why a layout cannot run, as a code (0: it can); {@link #reason} words it. */
  static final int OK = 0;

  static final int HEADS = 1;
  static final int KV_HEADS = 2;
  static final int GPUS = 3;
  static final int PP_LAYERS = 4;
  static final int VPP_LAYERS = 5;
  static final int VPP_PP = 6;
  static final int SEQ_CP = 7;
  static final int EP_DENSE = 8;
  static final int EP_EXPERTS = 9;
  static final int EP_DP = 10;
  static final int BATCH = 11;
  static final int INTERLEAVED_BATCH = 12;

  /** The reasons' kinds, as the search counts them (by code). */
  static final String[] KINDS = {
    "",
    "heads not divisible by TP",
    "KV heads not divisible by TP",
    "layout not the GPU count",
    "PP above the layers",
    "layers not divisible by PP x VPP",
    "VPP without PP",
    "sequence not divisible by 2 x CP",
    "EP for a dense model",
    "EP does not divide the experts",
    "EP does not divide DP x CP",
    "batch not divisible by DP x micro-batch",
    "micro-batches not a multiple of PP (interleaved)"
  };

  /** Why {@code l} cannot run, as a code ({@link #OK}: it can). */
  int code(LayoutCursor l) {
    ModelSpec m = job.model();
    int layers = m.numHiddenLayers();
    if (m.numAttentionHeads() % l.tp != 0) {
      return HEADS;
    }
    int kv = m.numKeyValueHeads();
    if (m.mla() == null && kv % l.tp != 0 && l.tp % kv != 0) {
      return KV_HEADS;
    }
    long used = (long) l.tp * l.pp * l.dp * l.cp;
    if (atMost ? used > gpus : used != gpus) {
      return GPUS;
    }
    if (l.pp > layers) {
      return PP_LAYERS;
    }
    if (l.vpp > 1 && l.pp == 1) {
      return VPP_PP;
    }
    if (l.vpp > 1 && PipelineSplit.accounted(layers, l.pp, l.vpp) < 0) {
      return VPP_LAYERS;
    }
    if (l.cp > 1 && job.seq() % (2L * l.cp) != 0) {
      return SEQ_CP;
    }
    if (l.ep > 1) {
      if (m.moe() == null) {
        return EP_DENSE;
      }
      if (m.moe().nRoutedExperts() % l.ep != 0) {
        return EP_EXPERTS;
      }
      if (l.shardGroup() % l.ep != 0) {
        return EP_DP;
      }
    }
    if (job.globalBatch() % ((long) l.dp * l.microBatch) != 0) {
      return BATCH;
    }
    if (l.vpp > 1 && l.microBatches(job.globalBatch()) % l.pp != 0) {
      return INTERLEAVED_BATCH;
    }
    return OK;
  }

  String reason(int code, Layout l) {
    ModelSpec m = job.model();
    int layers = m.numHiddenLayers();
    return switch (code) {
      case HEADS ->
          "TP " + l.tp() + " does not divide the " + m.numAttentionHeads() + " attention heads";
      case KV_HEADS ->
          "TP "
              + l.tp()
              + " neither divides nor is a multiple of the "
              + m.numKeyValueHeads()
              + " KV heads";
      case GPUS ->
          "layout uses "
              + l.gpus()
              + " GPUs (tp x pp x dp x cp), "
              + (atMost ? "more than " : "not ")
              + gpus;
      case PP_LAYERS -> "PP " + l.pp() + " exceeds the " + layers + " layers";
      case VPP_PP -> "VPP needs PP > 1";
      case VPP_LAYERS ->
          "layers not divisible by PP x VPP ("
              + layers
              + " layers, "
              + l.pp()
              + " x "
              + l.vpp()
              + "), nor with the embedding and the loss counted as layers ("
              + (layers + 2)
              + ")";
      case SEQ_CP ->
          "sequence " + job.seq() + " not divisible by 2 x CP " + l.cp() + " (load-balanced split)";
      case EP_DENSE -> "EP " + l.ep() + " for a dense model";
      case EP_EXPERTS ->
          "EP " + l.ep() + " does not divide the " + m.moe().nRoutedExperts() + " experts";
      case EP_DP -> "EP " + l.ep() + " does not divide DP x CP " + l.shardGroup();
      case BATCH ->
          "global batch "
              + job.globalBatch()
              + " not divisible by DP x micro-batch "
              + ((long) l.dp() * l.microBatch());
      case INTERLEAVED_BATCH ->
          "interleaved schedule needs micro-batches ("
              + job.globalBatch() / ((long) l.dp() * l.microBatch())
              + ") a multiple of PP "
              + l.pp();
      default -> throw new IllegalArgumentException("code " + code);
    };
  }
}
