package dev.hwplan.training;

/**
 * How the layers split over pipeline stages and, interleaved, over each stage's {@code v} model
 * chunks, when they do not divide evenly: Megatron-LM's {@code
 * --account-for-embedding-in-pipeline-split} and {@code --account-for-loss-in-pipeline-split} count
 * the embedding and the loss as one layer each, so that {@code L + 1} or {@code L + 2} divides into
 * {@code p x v} chunks of {@code c} layers: the first chunk of the first stage holds {@code c - 1}
 * layers besides the embedding, and (with the loss) the last chunk of the last stage {@code c - 1}
 * besides the head. This is Llama 3 405B's layout (Llama 3 paper, section 3.3.2: "we reduce one
 * Transformer layer each from the first and the last stages"; 126 + 2 = 16 x 8).
 *
 * <p>The stages' layer counts are then {@link ModelCopy#firstLayer}'s: every stage {@code v c}, the
 * first (and with the loss the last) {@code v c - 1}.
 */
final class PipelineSplit {
  private PipelineSplit() {}

  /**
   * Layers counted beside the real ones so that the split is even over {@code pp x vpp} chunks: 0
   * (even), 1 (the embedding), 2 (embedding and loss), or -1 when none divides.
   */
  static int accounted(int layers, int pp, int vpp) {
    int chunks = pp * vpp;
    for (int extra = 0; extra <= 2; extra++) {
      if ((layers + extra) % chunks == 0 && layers + extra >= chunks) {
        return extra;
      }
    }
    return -1;
  }

  /**
   * The chunk of stage {@code k} that holds a layer fewer (0: its first, {@code vpp - 1}: its
   * last), or -1 when all its chunks are full.
   */
  static int shortChunk(int layers, int pp, int vpp, int k) {
    int extra = accounted(layers, pp, vpp);
    if (extra >= 1 && k == 0) {
      return 0;
    }
    if (extra == 2 && k == pp - 1) {
      return vpp - 1;
    }
    return -1;
  }

  /**
   * How many of the first {@code held} forward chunk-runs of a stage run chunk {@code chunk}:
   * Megatron-LM's interleaved schedule runs the forwards in groups of {@code p} micro-batches per
   * chunk, chunk 0 to {@code v - 1} ({@code get_model_chunk_id} in
   * megatron/core/pipeline_parallel/schedules.py). At the first backward the stage holds exactly
   * these runs.
   */
  static long heldOf(int chunk, long held, int pp, int vpp) {
    long round = (long) pp * vpp;
    long full = held / round;
    long rest = held % round;
    return full * pp + Math.min(pp, Math.max(0, rest - (long) chunk * pp));
  }
}
