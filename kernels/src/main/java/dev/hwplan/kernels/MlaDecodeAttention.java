package dev.hwplan.kernels;

import java.util.Arrays;

/**
 * Absorbed MLA decode attention, written once over a provider's primitives: for head h and token t,
 * score = (q_lat[h]·c[t] + q_rope[h]·k_R[t]) · scale, and out[h] = Σ_t softmax(score)[t] · c[t] in
 * the latent space. All heads share each cached row, so the kernel is MQA-like with a key of rank +
 * ropeDim and a value of rank; a chunk's latents are read from memory for the scores and again from
 * L2 for the output, so chunks are kept small.
 */
final class MlaDecodeAttention {
  /** Longest chunk: 256 latents of 512 fp32 are 512 KiB, which stays in a 1-2 MiB L2. */
  static final int MAX_CHUNK = 256;

  private MlaDecodeAttention() {}

  static void run(
      KernelProvider p,
      MlaShape s,
      float[] qLatent,
      float[] qRope,
      Storage latent,
      Storage rope,
      float[] out) {
    long heads = (long) s.batch() * s.heads();
    Bounds.check(qLatent, heads * s.kvLoraRank(), "qLatent");
    Bounds.check(qRope, heads * s.ropeDim(), "qRope");
    Bounds.check(out, heads * s.kvLoraRank(), "out");
    Bounds.check(latent, s.latentElements(), "latent");
    Bounds.check(rope, s.ropeElements(), "rope");
    if (!latent.dtype().equals(rope.dtype())) {
      throw new IllegalArgumentException(
          "latent is " + latent.dtype() + " but rope is " + rope.dtype() + "; store both alike");
    }
    boolean parallel =
        s.latentElements() * (long) s.heads() >= DecodeAttention.PARALLEL_MIN_ELEMENTS;
    int chunks = Chunking.chunks(s.batch(), s.context(), MAX_CHUNK, parallel);
    int chunkLen = (s.context() + chunks - 1) / chunks;
    int group = s.heads();
    int r = s.kvLoraRank();
    int stride = group * (r + 2);
    float[] parts = new float[s.batch() * chunks * stride];
    Body body = new Body(p, s, qLatent, qRope, latent, rope);
    Chunking.forEachChunk(
        s.batch(),
        chunks,
        chunkLen,
        s.context(),
        parallel,
        (item, b, t0, t1) -> {
          if (t0 >= t1) {
            // An empty trailing chunk: weight 0 in the merge.
            int base = item * stride;
            Arrays.fill(parts, base, base + group, Float.NEGATIVE_INFINITY);
            Arrays.fill(parts, base + group, base + stride, 0f);
            return;
          }
          body.item(b, t0, t1, parts, item * stride);
        });
    for (int b = 0; b < s.batch(); b++) {
      for (int h = 0; h < group; h++) {
        int outOff = (b * s.heads() + h) * r;
        Chunking.merge(p, parts, b * chunks, chunks, stride, group, h, r, out, outOff);
      }
    }
  }

  /** One item's work: the partial result is [max per head][sum per head][output per head]. */
  private record Body(
      KernelProvider p, MlaShape s, float[] qLatent, float[] qRope, Storage latent, Storage rope) {
    void item(int b, int t0, int t1, float[] parts, int partOff) {
      int heads = s.heads();
      int r = s.kvLoraRank();
      int pr = s.ropeDim();
      int len = t1 - t0;
      float scale = s.softmaxScale();
      float[] scores = Scratch.get(0, heads * len);
      Arrays.fill(scores, 0, heads * len, 0f);
      int qh = b * heads;
      int row0 = b * s.context() + t0;
      ScoreShape latentScores = new ScoreShape(heads, r, r, r, len, scale);
      ScoreShape ropeScores = new ScoreShape(heads, pr, pr, pr, len, scale);
      p.scoreRows(latentScores, qLatent, qh * r, latent, row0 * r, len, scores, 0);
      p.scoreRows(ropeScores, qRope, qh * pr, rope, row0 * pr, len, scores, 0);
      for (int h = 0; h < heads; h++) {
        float m = p.max(scores, h * len, len);
        parts[partOff + h] = m;
        parts[partOff + heads + h] = p.expShiftSum(scores, h * len, len, m);
      }
      int acc = partOff + 2 * heads;
      Arrays.fill(parts, acc, acc + heads * r, 0f);
      int lRow0 = (b * s.context() + t0) * r;
      WeightShape weights = new WeightShape(heads, r, len, r);
      // Block by block, every head: a block of latents (16 × 2 KiB fp32) is reused from L1.
      for (int t = 0; t < len; t += DecodeAttention.V_BLOCK) {
        int n = Math.min(DecodeAttention.V_BLOCK, len - t);
        p.weightedRowsHeads(weights, scores, t, latent, lRow0 + t * r, n, parts, acc);
      }
    }
  }
}
