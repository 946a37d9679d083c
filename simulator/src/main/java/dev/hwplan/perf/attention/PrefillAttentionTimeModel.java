package dev.hwplan.perf.attention;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Phase;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;

/**
 * Causal prefill attention (forward or backward) as FlashAttention-style kernels run it: each CTA
 * owns one {@code rows}-row tile of one (sequence, head) and walks {@code cols}-column tiles of the
 * other side up to the causal diagonal (Dao 2023, FlashAttention-2, section 3.2; the backward pass
 * parallelises over key tiles and walks the query tiles below them, the same triangle). With a
 * cached prefix of {@code p} tokens, the query tile {@code i} visits {@code min(nk, ceil((p + (i+1)
 * rows) / cols))} key tiles, less those wholly left of a sliding window. The CTAs run over the
 * GPU's SMs in waves; the causal triangle makes them unequal, so the makespan is the longer of the
 * longest CTA and the total tile work spread over the SMs plus a fitted share {@code tailFraction}
 * of the spread between the longest and the shortest CTA (Graham's list scheduling bound, {@code T
 * <= sum/P + max}, with a fitted weight on the tail); CTAs of equal length, as a decode on this
 * kernel runs, fall {@code ceil(CTAs / SMs)} to the busiest SM ({@link #busiestSmTiles}):
 *
 * <pre>
 *   tile   = (2 rows cols (dq + dv) [x (3 dq + 2 dv)/(dq + dv) backward] / (matrixFraction peak(bf16) / SMs)
 *            + tileSeconds) [x wideHeadFactor where dq > 128]
 *   t      = latency + max(bytes / readBandwidth, tile busiest + ctaSeconds CTAs / SMs)
 *   busiest = ceil(CTAs / SMs) nMax                                  where nMax = nMin
 *           = max(nMax, nTotal / SMs + tailFraction (nMax - nMin))   otherwise
 * </pre>
 *
 * Tiles, as the kernels pick them: PyTorch's FlashAttention-2 forward 128 x 64 for head dims above
 * 64 and 128 x 128 at 64 ({@code run_mha_fwd_hdim*} in flash-attention 2.x), backward 128 key rows
 * x 64; cuDNN 128 x 128 (its fused flash kernels' default on Hopper). The five parameters are
 * fitted per GPU, backend and direction to that GPU's training grid: {@code
 * kernels/cuda/results/h200-sxm/prefill-attention.json} and, since freeze VIII, {@code
 * h100-sxm/prefill-attention-train.json} (bundled as each profile's {@code
 * prefill-attention.json}).
 *
 * @param latencySeconds fixed launch cost
 * @param matrixFraction achieved share of the bf16 tensor-core peak inside a tile
 * @param tailFraction weight of the longest CTA's excess over the shortest beyond the even spread
 *     (0: perfect balance)
 * @param ctaSeconds per-CTA cost (Q load, softmax rescale, output write), per SM
 * @param tileSeconds fixed cost per tile beyond its MMA work (softmax, masking, barriers)
 * @param wideHeadFactor the tile time's multiple at query/key head dims above 128 (MLA prefill's
 *     192): the kernels for wide heads hold more of a tile in registers and shared memory and keep
 *     fewer tiles in flight (FlashAttention-2's {@code run_mha_fwd_hdim192}/{@code
 *     run_mha_bwd_hdim192} traits; cuDNN's fused kernels likewise), which the FLOP count alone does
 *     not show; fitted on the training grid's MLA rows (1 where a grid has none). Freeze XIII: the
 *     H100 and H200 training rows at dq 192 were predicted 7 to 32 % fast in the backward pass and
 *     up to 14 % in cuDNN's forward while the rest sat within a few per cent.
 */
public record PrefillAttentionTimeModel(
    double latencySeconds,
    double matrixFraction,
    double tailFraction,
    double ctaSeconds,
    double tileSeconds,
    double wideHeadFactor) {

  /** Head dims above this run the wide-head kernels ({@link #wideHeadFactor}). */
  public static final int WIDE_HEAD_DIM = 128;

  /** Tile rows (the side a CTA owns) of {@code kernel} at query/key head dim {@code dq}. */
  public static int tileRows(AttentionKernel kernel, int dq, boolean backward) {
    return 128;
  }

  /** Tile columns (the side a CTA walks) of {@code kernel} at head dim {@code dq}. */
  public static int tileCols(AttentionKernel kernel, int dq, boolean backward) {
    if (kernel == AttentionKernel.CUDNN) {
      return 128;
    }
    return !backward && dq <= 64 ? 128 : 64;
  }

  /**
   * The calibrated terms of attention shape {@code s} ({@code queryTokens} new tokens after {@code
   * context - queryTokens} cached ones per sequence).
   *
   * @param bytes the op's bytes moved
   * @param readBandwidth achieved read bandwidth
   */
  public Terms time(
      DevicePeaks gpu,
      double readBandwidth,
      OpShape.Attention s,
      double bytes,
      AttentionKernel kernel,
      boolean backward) {
    return time(gpu, readBandwidth, Tiles.of(s, kernel, backward), bytes);
  }

  /** The terms of a shape whose tiles are already counted (what the fit evaluates many times). */
  public Terms time(DevicePeaks gpu, double readBandwidth, Tiles t, double bytes) {
    int sms = gpu.sms();
    double tile =
        (t.tileFlops() / (matrixFraction * gpu.peakFlops(DType.BF16) / sms) + tileSeconds)
            * (t.wide() ? wideHeadFactor : 1);
    double compute = tile * busiestSmTiles(t, sms) + ctaSeconds * t.ctas() / sms;
    double mem = bytes / readBandwidth;
    return new Terms(latencySeconds, mem, compute, 0, latencySeconds + Math.max(mem, compute));
  }

  /**
   * The tiles the busiest SM walks. CTAs of equal length (a decode on the prefill kernel, a prompt
   * of one query tile) land {@code ceil(CTAs / SMs)} to an SM, whatever the spread: list scheduling
   * of equal jobs leaves a whole CTA on some SMs past the even share (Graham 1969; the kernel
   * profiles of Llama-3.1-8B decode on {@code flash_fwd_kernel} show it, 280 CTAs on 132 SMs as
   * slow as 396 CTAs, 3 x 132; measured for decode only, the one-tile prompt is the same schedule).
   * Unequal CTAs (the causal triangle): the longest CTA or the even spread plus a fitted share of
   * the spread between the longest and the shortest.
   */
  double busiestSmTiles(Tiles t, int sms) {
    if (t.longest() == t.shortest()) {
      return Math.ceil(t.ctas() / sms) * t.longest();
    }
    double spread = t.tiles() / sms;
    return Math.max(t.longest(), spread + tailFraction * (t.longest() - t.shortest()));
  }

  /**
   * The tile work of one shape on one kernel: FLOP of one tile, tiles in all, tiles of the longest
   * CTA, tiles of the shortest CTA, CTAs, and whether the head dim is above {@link #WIDE_HEAD_DIM}.
   */
  public record Tiles(
      double tileFlops, double tiles, long longest, long shortest, double ctas, boolean wide) {
    /** Counts the tiles of {@code s} on {@code kernel}. */
    public static Tiles of(OpShape.Attention s, AttentionKernel kernel, boolean backward) {
      return of(s, kernel, backward, false);
    }

    /**
     * {@link #of}; {@code walk}: each query tile counted in turn, never summed in closed form. A
     * query tile {@code i} below the last sees {@code ceil((prefix + (i + 1) rows) / cols)} key
     * tiles, which for rows a multiple of cols is {@code ceil(prefix / cols) + (i + 1) rows / cols}
     * (below {@code nk}), and the last sees {@code nk}: without a window that binds, the sum is
     * arithmetic and the counts rise with {@code i}. The closed form is taken where its sum is
     * exact in a double (below 2^53), so it equals the walk's sum of the same terms.
     */
    static Tiles of(OpShape.Attention s, AttentionKernel kernel, boolean backward, boolean walk) {
      int dq = s.headDim();
      int dv = executedValueDim(kernel, dq, s.valueDim());
      int rows = tileRows(kernel, dq, backward);
      int cols = tileCols(kernel, dq, backward);
      long newTokens = s.queryTokens();
      long prefix = s.context() - newTokens;
      long nq = ceilDiv(newTokens, rows);
      long nk = ceilDiv(prefix + newTokens, cols);
      double perHead = 0;
      long longest = 0;
      long shortest = Long.MAX_VALUE;
      long window = s.window();
      long sum = -1;
      if (!walk
          && nq >= 1
          && prefix >= 0
          && rows % cols == 0
          && window > prefix + (nq - 1) * rows) {
        sum = arithmeticSum(nq, nk, ceilDiv(prefix, cols), rows / cols);
      }
      if (sum >= 0) {
        perHead = sum;
        longest = nk;
        shortest = nq == 1 ? nk : ceilDiv(prefix, cols) + rows / cols;
      } else {
        for (long i = 0; i < nq; i++) {
          long n = Math.min(nk, ceilDiv(prefix + Math.min(newTokens, (i + 1) * rows), cols));
          // a sliding window: the band below the diagonal, from the tile holding the first
          // query's oldest key (FlashAttention-2's local attention skips the tiles left of it)
          long first = prefix + i * rows;
          if (window <= first) {
            n -= (first - window + 1) / cols;
          }
          perHead += n;
          longest = Math.max(longest, n);
          shortest = Math.min(shortest, n);
        }
      }
      double heads = s.batch() * (double) s.heads();
      double tileFlops = 2.0 * rows * cols * (backward ? 3.0 * dq + 2.0 * dv : (double) dq + dv);
      return new Tiles(
          tileFlops, heads * perHead, longest, shortest, heads * nq, dq > WIDE_HEAD_DIM);
    }

    /**
     * {@code (nq - 1) p + k (nq - 1) nq / 2 + nk}: the key tiles of {@code nq} query tiles, the
     * first {@code nq - 1} seeing {@code p + (i + 1) k}, the last {@code nk}; -1 where the sum
     * reaches 2^53 (or overflows), above which a double sum of the terms could round.
     */
    private static long arithmeticSum(long nq, long nk, long p, long k) {
      try {
        long m = nq - 1;
        long triangle = m % 2 == 0 ? Math.multiplyExact(m / 2, nq) : Math.multiplyExact(m, nq / 2);
        long sum =
            Math.addExact(
                Math.addExact(Math.multiplyExact(m, p), Math.multiplyExact(k, triangle)), nk);
        return sum < 1L << 53 ? sum : -1;
      } catch (ArithmeticException e) {
        return -1;
      }
    }
  }

  /**
   * Whether SDPA's flash backend runs the decode shape {@code s} on its one-split kernel, the
   * prefill kernel ({@code flash_fwd_kernel}), rather than on the split-KV one. FlashAttention-2
   * folds a one-token GQA query's {@code group} heads into the query rows of each KV head ({@code
   * seqlenq_ngroups_swapped} in {@code mha_fwd}), and {@code run_mha_fwd} takes the one-split
   * kernel when {@link #flashDecodeSplits} is 1. PyTorch's copy of flash-attention 2.x ({@code
   * aten/src/ATen/native/transformers/cuda/flash_attn/flash_api.cpp}, {@code set_params_splitkv})
   * passes {@code 2 x SMs} as the heuristic's SM count ("128 threads per block"), so one split is
   * kept once {@code batch x kvHeads x ceil(group / 64)} row blocks reach 0.8 x 2 x SMs (211 on 132
   * SMs). The kernel profiles of {@code kernels/cuda/results/h200-sxm/steps-eager-fused.json} show
   * {@code flash_fwd_kernel<128, 128, 64>} for every Llama-3.1-8B and Mixtral decode at batch 128
   * and 256 (eager and fused).
   */
  public static boolean flashDecodeRunsPrefillKernel(OpShape.Attention s, int sms) {
    return s.kernel() == AttentionKernel.SDPA_FLASH && flashDecodeSplits(s, sms) == 1;
  }

  /**
   * The split count FlashAttention-2's {@code num_splits_heuristic} picks for decode shape {@code
   * s}: {@code blocks = batch x kvHeads x ceil(group / 64)} row blocks over {@code 2 x sms} slots
   * and {@code ceil(context / blockN)} key blocks ({@code blockN} 256 at head dim <= 64, 128 at <=
   * 128, else 64); one split once the blocks fill 0.8 of the slots, else the fewest splits whose
   * wave efficiency ({@code n / ceil(n)} waves) reaches 0.85 of the best over at most {@code
   * min(128, slots, key blocks)} splits, counting only splits that change the blocks per split.
   */
  public static int flashDecodeSplits(OpShape.Attention s, int sms) {
    long blocks = s.batch() * (long) s.kvHeads() * ceilDiv(s.group(), 64);
    int slots = 2 * sms;
    if (blocks >= 0.8f * slots) {
      return 1;
    }
    int blockN = s.headDim() <= 64 ? 256 : s.headDim() <= 128 ? 128 : 64;
    long nBlocks = ceilDiv(s.context(), blockN);
    int max = (int) Math.min(Math.min(128, slots), nBlocks);
    float[] eff = new float[max + 1];
    float best = 0;
    for (int n = 1; n <= max; n++) {
      if (n == 1 || ceilDiv(nBlocks, n) != ceilDiv(nBlocks, n - 1)) {
        float waves = (float) (blocks * n) / slots;
        eff[n] = waves / (float) Math.ceil(waves);
        best = Math.max(best, eff[n]);
      }
    }
    for (int n = 1; n <= max; n++) {
      if ((n == 1 || ceilDiv(nBlocks, n) != ceilDiv(nBlocks, n - 1)) && eff[n] >= 0.85 * best) {
        return n;
      }
    }
    return 1;
  }

  /**
   * The decode shape {@code s} as the prefill kernel runs it: per sequence {@code kvHeads} heads of
   * {@code group} query rows, each attending to all {@code context} keys.
   */
  public static OpShape.Attention flashDecodeAsPrefill(OpShape.Attention s) {
    return new OpShape.Attention(
        Phase.PREFILL,
        s.batch(),
        s.kvHeads(),
        s.kvHeads(),
        s.headDim(),
        s.valueDim(),
        s.context(),
        s.group(),
        s.kvBytes(),
        AttentionKernel.SDPA_FLASH);
  }

  /**
   * The value head dim the kernel runs: FlashAttention-2 takes one head dim for q, k and v, so a
   * smaller v (MLA: 128 against 192) is padded to the q/k dim; cuDNN runs it as given.
   */
  public static int executedValueDim(AttentionKernel kernel, int dq, int dv) {
    return kernel == AttentionKernel.CUDNN ? dv : Math.max(dq, dv);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
