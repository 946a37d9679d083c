package dev.hwplan.kernels;

/**
 * One implementation of the reference kernels: {@code scalar} (plain Java) or {@code vector} (the
 * Java Vector API). Get the one to use from {@link KernelProviders#get()}.
 *
 * <p>An implementation supplies the level-1 primitives and the GEMM micro-kernel; the kernels
 * themselves (decode attention, MLA, GEMV, GEMM, RMSNorm, RoPE, softmax) are written once, in
 * {@link DecodeAttention}, {@link MlaDecodeAttention}, {@link Gemv}, {@link BlockedGemm}, {@link
 * RmsNorm}, {@link Rope} and {@link Softmax}, on top of those primitives; the defaults below only
 * name them. So the two paths share blocking, threading and numerics, and differ only in how the
 * inner loops use the SIMD units.
 *
 * <p>Layouts are row-major and dense. Offsets are in elements. bf16 data is stored as the upper 16
 * bits of the IEEE fp32 pattern in a {@code short[]} (see {@link Bf16}) and widened in registers.
 */
public interface KernelProvider {

  /** {@code "scalar"} or {@code "vector"}. */
  String name();

  /** Width of the SIMD registers this provider uses, in bits; 0 for scalar. */
  int vectorBitSize();

  // ---- Level-1 primitives ---------------------------------------------------------------

  /** Σ a[aOff+i]·b[bOff+i] for i in [0, n). */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** Σ a[aOff+i]·bf16(b[bOff+i]) for i in [0, n). */
  float dotBf16(float[] a, int aOff, short[] b, int bOff, int n);

  /** y[yOff+i] += alpha·x[xOff+i]. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** y[yOff+i] += alpha·bf16(x[xOff+i]). */
  void axpyBf16(float alpha, short[] x, int xOff, float[] y, int yOff, int n);

  /** The largest of x[off..off+n); NaN if any element is NaN; -Infinity if n is 0. */
  float max(float[] x, int off, int n);

  /** x[off+i] = exp(x[off+i] - shift) in place, and returns the sum of the new values. */
  float expShiftSum(float[] x, int off, int n, float shift);

  /** x[off+i] *= s. */
  void scale(float[] x, int off, int n, float s);

  /** out[outOff+i] = x[xOff+i]·w[wOff+i]·s. */
  void mulScaled(float[] x, int xOff, float[] w, int wOff, float s, float[] out, int outOff, int n);

  /**
   * The RoPE rotation of n pairs (x[lo+i], x[hi+i]) by the angles whose cosines and sines are at
   * cos[csOff+i] and sin[csOff+i]: (a, b) becomes (a·cos - b·sin, b·cos + a·sin).
   */
  void rotate(float[] x, int lo, int hi, float[] cos, float[] sin, int csOff, int n);

  // The primitives below read the operand they stream (keys or values) as a Storage, fp32 or bf16:
  // the provider picks the load once, and one kernel body serves both dtypes.

  /**
   * Scores of {@code s.heads()} queries against {@code n} consecutive blocks of {@link
   * KeyLayout#BLOCK} keys stored dimension-major ({@link KeyLayout#BLOCKED}), block b starting at
   * kOff + b·s.kStride(): for h &lt; heads and j &lt; 16, scores[sOff + h·sStride + 16·b + j] =
   * scale · Σ_i q[qOff + h·qStride + i] · k[kOff + b·kStride + 16·i + j], i &lt; d. No horizontal
   * sums are needed, so this is the fast path of decode attention; scoring several blocks in one
   * pass lets each query element, once loaded, serve all of them.
   */
  void scoreBlocks(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff);

  /**
   * Scores of {@code s.heads()} queries against {@code n} token-major rows, added in: for h &lt;
   * heads and t &lt; n, scores[sOff + h·sStride + t] += scale · Σ_i q[qOff + h·qStride + i] ·
   * k[kOff + t·kStride + i], i &lt; d. MLA's scores, where every head meets the same rows.
   */
  void scoreRows(
      ScoreShape s, float[] q, int qOff, Storage k, int kOff, int n, float[] scores, int sOff);

  /**
   * The weighted sums of value rows for {@code s.heads()} heads over the same rows: for h &lt;
   * heads and i &lt; d, out[outOff + h·outStride + i] += Σ_t w[wOff + h·wStride + t] · v[vOff + t·d
   * + i], t &lt; n, accumulated in registers rather than one axpy per row, each row loaded for
   * several heads at once.
   */
  void weightedRowsHeads(
      WeightShape s, float[] w, int wOff, Storage v, int vOff, int n, float[] out, int outOff);

  /** dst[dstOff+i] = bf16(src[srcOff+i]) widened to fp32, for i in [0, n). */
  void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n);

  /** The GEMM inner kernel of this provider. */
  GemmMicroKernel gemmMicroKernel();

  // ---- Probe loops (see dev.hwplan.kernels.probe) -----------------------------------------

  /** Σ a[i] for i in [from, to), read as fast as this provider can stream. */
  double sum(float[] a, int from, int to);

  /** dst[i] = src[i] for i in [from, to). */
  void copy(float[] src, float[] dst, int from, int to);

  /** a[i] = b[i] + s·c[i] for i in [from, to) (STREAM triad). */
  void triad(float[] a, float[] b, float[] c, float s, int from, int to);

  /**
   * Runs {@code iterations} of independent FMA chains, enough of them to cover the FMA latency, and
   * returns a value that depends on all of them. Each iteration does {@link
   * #fmaFlopsPerIteration()} FLOP.
   */
  double fmaLoop(long iterations, float seed);

  /** FLOP done by one iteration of {@link #fmaLoop}. */
  int fmaFlopsPerIteration();

  // ---- Kernels -----------------------------------------------------------------------------

  /**
   * Decode attention (one query token per sequence) for MHA, GQA and MQA.
   *
   * @param q queries, {@code [batch][heads][headDim]}
   * @param k keys, {@code [batch][kvHeads][context][headDim]}, fp32 or bf16
   * @param v values, same layout and dtype as {@code k}
   * @param out the attention output, {@code [batch][heads][headDim]}
   */
  default void decodeAttention(AttentionShape s, float[] q, Storage k, Storage v, float[] out) {
    DecodeAttention.run(this, s, q, k, KeyLayout.TOKEN_MAJOR, v, out);
  }

  /**
   * Decode attention with the keys in the given layout: {@link KeyLayout#TOKEN_MAJOR} as above, or
   * {@link KeyLayout#BLOCKED}, the faster layout that CPU engines keep their key cache in.
   */
  default void decodeAttention(
      AttentionShape s, float[] q, Storage k, KeyLayout keyLayout, Storage v, float[] out) {
    DecodeAttention.run(this, s, q, k, keyLayout, v, out);
  }

  /**
   * MLA decode attention in the absorbed form (DeepSeek-V2 §2.1.3): each head's query is already
   * multiplied into the latent space, so scores are taken against the cached latent plus the
   * decoupled RoPE key, and the output stays in the latent space (W_UV is applied afterwards).
   *
   * @param qLatent absorbed queries, {@code [batch][heads][kvLoraRank]}
   * @param qRope RoPE part of the queries, {@code [batch][heads][ropeDim]}
   * @param latent cached latents c_KV, {@code [batch][context][kvLoraRank]}
   * @param rope cached RoPE keys k_R, {@code [batch][context][ropeDim]}, same dtype as latent
   * @param out latent-space output, {@code [batch][heads][kvLoraRank]}
   */
  default void mlaDecodeAttention(
      MlaShape s, float[] qLatent, float[] qRope, Storage latent, Storage rope, float[] out) {
    MlaDecodeAttention.run(this, s, qLatent, qRope, latent, rope, out);
  }

  /** y = A·x, with A {@code [m][k]} (fp32 or bf16), x {@code [k]}, y {@code [m]}. */
  default void gemv(int m, int k, Storage a, float[] x, float[] y) {
    Gemv.run(this, m, k, a, x, y);
  }

  /**
   * C = A·B, with A {@code [m][k]} fp32, B {@code [k][n]} (fp32 or bf16) and C {@code [m][n]}, as
   * BLAS sgemm with no transposes, alpha 1 and beta 0.
   */
  default void gemm(int m, int n, int k, float[] a, Storage b, float[] c) {
    BlockedGemm.run(this, m, n, k, a, b, c);
  }

  /**
   * RMSNorm (Zhang and Sennrich 2019) of {@code rows} rows of {@code dim}: out = x / sqrt(mean(x²)
   * + eps) · weight.
   */
  default void rmsNorm(float[] x, float[] weight, float eps, float[] out, int rows, int dim) {
    RmsNorm.run(this, x, weight, eps, out, rows, dim);
  }

  /**
   * Rotary position embedding (Su et al. 2021), in place, in the rotate-half layout of Hugging Face
   * Llama: element i of a head pairs with element i + headDim/2. Token t of x {@code
   * [tokens][heads][headDim]} is at position {@code firstPosition + t}.
   */
  default void rope(
      float[] x, int tokens, int heads, int headDim, int firstPosition, RopeTable table) {
    Rope.run(this, x, tokens, heads, headDim, firstPosition, table);
  }

  /**
   * Softmax of x[off..off+n), in place, computed safely: the maximum is subtracted before exp, so
   * large logits do not overflow. -Infinity entries (masked) get 0. A row that is all -Infinity
   * becomes all 0; +Infinity entries share the whole mass; NaN propagates.
   */
  default void softmax(float[] x, int off, int n) {
    Softmax.run(this, x, off, n);
  }
}
