package dev.hwplan.kernels;

import java.util.Arrays;

/**
 * Decode attention for MHA, GQA and MQA, written once over a provider's primitives.
 *
 * <p>Work is split into items of (sequence, KV head, token chunk). Each item streams its K rows
 * once, scoring every query head of the group against a row while the row sits in L1, then its V
 * rows once; so K and V are read from memory exactly once whatever the group size. When there are
 * fewer sequences × KV heads than threads, the context is split into chunks and the partial
 * softmaxes are merged afterwards (the split-K of Flash-Decoding, Dao et al. 2023): for chunk c
 * with maximum m_c, sum l_c and unnormalised output o_c, out = Σ e^(m_c - M) o_c / Σ e^(m_c - M)
 * l_c.
 */
final class DecodeAttention {
  /** Longest chunk of tokens one item scores at a time: its scores stay in L1/L2. */
  static final int MAX_CHUNK = 1024;

  /** Value rows per block of the output pass: 16 rows of 128 fp32 are 8 KiB, well inside L1. */
  static final int V_BLOCK = 16;

  /** Below this many cache elements, run on the calling thread: handing off costs more. */
  static final long PARALLEL_MIN_ELEMENTS = 1L << 15;

  private DecodeAttention() {}

  static void run(
      KernelProvider p,
      AttentionShape s,
      float[] q,
      Storage k,
      KeyLayout layout,
      Storage v,
      float[] out) {
    Bounds.check(q, s.queryElements(), "q");
    Bounds.check(out, s.queryElements(), "out");
    Bounds.check(k, layout.keyElements(s), "k");
    Bounds.check(v, s.cacheElements(), "v");
    if (!k.dtype().equals(v.dtype())) {
      throw new IllegalArgumentException(
          "k is " + k.dtype() + " but v is " + v.dtype() + "; store both alike");
    }
    int pairs = s.batch() * s.kvHeads();
    boolean parallel = s.cacheElements() >= PARALLEL_MIN_ELEMENTS;
    // Chunks start on key blocks, so that the blocked layout's blocks are never split.
    int wanted = Chunking.chunks(pairs, s.context(), MAX_CHUNK, parallel);
    int chunkLen = roundUp((s.context() + wanted - 1) / wanted, KeyLayout.BLOCK);
    int chunks = (s.context() + chunkLen - 1) / chunkLen;
    int group = s.groupSize();
    int d = s.headDim();
    if (chunks == 1) {
      Body body = new Body(p, s, q, k, layout, v);
      Chunking.forEach(
          pairs,
          parallel,
          pair -> {
            float[] part = Scratch.get(2, group * (d + 2));
            body.item(pair, 0, s.context(), part);
            for (int h = 0; h < group; h++) {
              int qOff = body.queryOffset(pair, h);
              System.arraycopy(part, 2 * group + h * d, out, qOff, d);
              p.scale(out, qOff, d, 1f / part[group + h]);
            }
          });
      return;
    }
    int stride = group * (d + 2);
    float[] parts = new float[pairs * chunks * stride];
    Body body = new Body(p, s, q, k, layout, v);
    Chunking.forEachChunk(
        pairs,
        chunks,
        chunkLen,
        s.context(),
        parallel,
        (item, pair, t0, t1) -> {
          float[] part = Scratch.get(2, stride);
          body.item(pair, t0, t1, part);
          System.arraycopy(part, 0, parts, item * stride, stride);
        });
    for (int pair = 0; pair < pairs; pair++) {
      for (int h = 0; h < group; h++) {
        int qOff = body.queryOffset(pair, h);
        Chunking.merge(p, parts, pair * chunks, chunks, stride, group, h, d, out, qOff);
      }
    }
  }

  static int roundUp(int v, int m) {
    return (v + m - 1) / m * m;
  }

  /** One item's work. The partial result is [max per head][sum per head][output per head]. */
  private record Body(
      KernelProvider p, AttentionShape s, float[] q, Storage k, KeyLayout layout, Storage v) {
    int queryOffset(int pair, int h) {
      int b = pair / s.kvHeads();
      int g = pair % s.kvHeads();
      return ((b * s.heads()) + g * s.groupSize() + h) * s.headDim();
    }

    void item(int pair, int t0, int t1, float[] part) {
      int group = s.groupSize();
      int d = s.headDim();
      int len = t1 - t0;
      int padded = roundUp(len, KeyLayout.BLOCK);
      float scale = s.scale();
      int q0 = queryOffset(pair, 0);
      float[] scores = Scratch.get(0, group * padded);
      if (layout == KeyLayout.BLOCKED) {
        // Chunks start on block boundaries, so the chunk's blocks are contiguous.
        int kOff =
            (pair * KeyLayout.blocks(s.context()) + t0 / KeyLayout.BLOCK) * KeyLayout.BLOCK * d;
        ScoreShape blocks = new ScoreShape(group, d, d, KeyLayout.BLOCK * d, padded, scale);
        p.scoreBlocks(blocks, q, q0, k, kOff, padded / KeyLayout.BLOCK, scores, 0);
      } else {
        int rowBase = pair * s.context() * d;
        for (int t = t0; t < t1; t++) {
          int row = rowBase + t * d;
          for (int h = 0; h < group; h++) {
            scores[h * padded + t - t0] = k.dot(p, q, q0 + h * d, row, d) * scale;
          }
        }
      }
      for (int h = 0; h < group; h++) {
        float m = p.max(scores, h * padded, len);
        part[h] = m;
        part[group + h] = p.expShiftSum(scores, h * padded, len, m);
      }
      int acc = 2 * group;
      Arrays.fill(part, acc, acc + group * d, 0f);
      int vRow = (pair * s.context() + t0) * d;
      WeightShape weights = new WeightShape(group, d, padded, d);
      // Block by block, every head: each block of V rows is read from memory once and reused from
      // L1 by all heads of the group, while the outputs stay in L1 too.
      for (int t = 0; t < len; t += V_BLOCK) {
        int n = Math.min(V_BLOCK, len - t);
        p.weightedRowsHeads(weights, scores, t, v, vRow + t * d, n, part, acc);
      }
    }
  }
}
