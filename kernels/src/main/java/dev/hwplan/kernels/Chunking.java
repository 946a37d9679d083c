package dev.hwplan.kernels;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** How the attention kernels split a context into chunks, and merge the partial softmaxes. */
final class Chunking {
  private Chunking() {}

  /**
   * Chunks per (sequence, KV head): enough items to keep every thread busy with a few to balance,
   * and no chunk longer than {@code maxChunk}.
   */
  static int chunks(int pairs, int context, int maxChunk, boolean parallel) {
    int byLength = (context + maxChunk - 1) / maxChunk;
    int byThreads = 1;
    if (parallel && KernelThreads.threads() > 1) {
      int wanted = 4 * KernelThreads.threads();
      byThreads = (wanted + pairs - 1) / pairs;
    }
    int chunks = Math.max(byLength, byThreads);
    // Keep chunks at least 16 tokens long: shorter ones cost more to merge than they save.
    return Math.max(1, Math.min(chunks, (context + 15) / 16));
  }

  static void forEach(int tasks, boolean parallel, IntConsumer body) {
    if (parallel) {
      KernelThreads.parallelFor(tasks, body);
    } else {
      for (int i = 0; i < tasks; i++) {
        body.accept(i);
      }
    }
  }

  /** The work on one chunk: {@code item} is {@code outer * chunks + chunk}; tokens [t0, t1). */
  interface ChunkBody {
    void run(int item, int outer, int t0, int t1);
  }

  /**
   * Runs {@code body} on each of {@code chunks} chunks of {@code chunkLen} tokens (the last one
   * ends at {@code context}, and may be empty) of each of {@code outers} sequences or KV heads.
   */
  static void forEachChunk(
      int outers, int chunks, int chunkLen, int context, boolean parallel, ChunkBody body) {
    forEach(
        outers * chunks,
        parallel,
        item -> {
          int t0 = item % chunks * chunkLen;
          body.run(item, item / chunks, t0, Math.min(context, t0 + chunkLen));
        });
  }

  /**
   * Merges head h's partials from {@code chunks} consecutive items starting at {@code firstItem}
   * into out[outOff..outOff+d). Each item's partial is [max][sum][output] per head.
   */
  static void merge(
      KernelProvider p,
      float[] parts,
      int firstItem,
      int chunks,
      int stride,
      int group,
      int h,
      int d,
      float[] out,
      int outOff) {
    float m = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < chunks; c++) {
      m = Math.max(m, parts[(firstItem + c) * stride + h]);
    }
    double l = 0;
    for (int c = 0; c < chunks; c++) {
      int base = (firstItem + c) * stride;
      l += parts[base + group + h] * Math.exp(parts[base + h] - m);
    }
    Arrays.fill(out, outOff, outOff + d, 0f);
    for (int c = 0; c < chunks; c++) {
      int base = (firstItem + c) * stride;
      float w = (float) (Math.exp(parts[base + h] - m) / l);
      p.axpy(w, parts, base + 2 * group + h * d, out, outOff, d);
    }
  }
}
