package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;

/**
 * Calibrated split-K (flash-decoding) attention time for GQA/MHA/MQA decode and latent MLA decode,
 * following the launch structure of the hwplan CUDA harness kernels ({@code
 * kernels/cuda/src/attention.cuh}, {@code decode_stage.cuh}): the context is cut into {@code nc}
 * chunks of {@code C} tokens, one main kernel computes a normalised partial per chunk, and a second
 * kernel combines the partials (Dao, Haziza, Massa and Sizov 2023, "Flash-Decoding for long-context
 * inference"). The harness times every candidate chunk length and kernel and keeps the fastest; the
 * model does the same over the same candidates:
 *
 * <pre>
 *   t = latency + min over (kernel, C) of [ main(kernel, C) + partials / bw + reduce(nc) ]
 *   main     = max(bytes / bw, waves x chain, SM-side bytes / (SMs x bwSm), issue)
 *   bw       = bandwidthFraction x readBandwidth,   bwSm = smBandwidthShare x bw / SMs
 *   partials = 4 x rows x nc x Dv  (fp32 partial outputs, rows = batch x query heads; 0 if nc = 1)
 *   reduce   = reduceLatency + max(partials / bw, (ceil(nc / perBatch) + 1) x stepLatency x wavesR)
 * </pre>
 *
 * <ul>
 *   <li><b>register kernel</b> ({@code gqa_decode_kernel}): one warp per (sequence, KV head, chunk,
 *       16-row head tile), 4 warps per 128-thread CTA, {@code MT = ceil(group / 16)} tiles per
 *       group; 3 CTAs per SM (168 registers) or 2 for the software-pipelined variant (255). A warp
 *       streams its chunk in 16-token steps: {@code chain = steps x (stepLatency + stepSeconds)}
 *       (plain) or {@code stepLatency + steps x max(stepLatency, stepSeconds)} (pipelined). Every
 *       head tile loads the whole K/V, so the SM-side bytes are {@code MT x} the DRAM bytes.
 *   <li><b>stage kernel</b> ({@code gqa_stage_kernel}, {@code MT <= 2}, {@code C} in {64, 128, 256,
 *       384} dividing the context): one 256-thread CTA per chunk puts the whole chunk in flight at
 *       once, then 8 warps compute {@code C x MT / 128} steps each: {@code chain = stepLatency +
 *       steps x stepSeconds}; 2 CTAs per SM, 1 from 256 tokens (129 KiB of shared memory).
 *   <li><b>MLA</b> ({@code mla_decode_kernel}): one 256-thread CTA (1 per SM) per 64 heads x chunk,
 *       32-token tiles; each tile is MMA-bound: {@code chain = stepSeconds + stepLatency + tiles x
 *       4 x 64 x 32 x (2 rank + rope) / (ctaMatrixFraction x peak(bf16) / SMs)}.
 * </ul>
 *
 * Waves are CTAs over resident slots ({@code ceil(CTAs / (SMs x CTAs per SM))}, NVIDIA "CUDA C++
 * Best Practices Guide", occupancy; "Matrix Multiplication Background User's Guide", wave
 * quantization). The per-SM bandwidth term is Little's law with a bounded number of outstanding
 * loads per SM: when few CTAs are in flight, the bytes of the busiest SM over {@code bwSm} and not
 * the chip bandwidth bound a wave. The reduce kernel ({@code splitk_reduce_kernel}, one 256-thread
 * block per row; {@code splitk_reduce_wide_kernel}, two per row) walks the chunks in batches of
 * independent loads ({@code perBatch} = 32, 128, or 8 for MLA's 512-wide rows), one dependent L2
 * round trip per batch. Every parameter is a fraction of a profile figure or a latency, so a fit on
 * one GPU predicts another through its SM count, peak and bandwidth.
 *
 * @param latencySeconds fixed launch and set-up time of the op (graph launch of the kernels)
 * @param bandwidthFraction achieved K/V streaming rate over the read probe's bandwidth
 * @param stepLatencySeconds one dependent DRAM round trip of a CTA's load chain
 * @param stepSeconds issue time of one 16-token warp step (GQA); per-CTA set-up (MLA)
 * @param reduceLatencySeconds the split-K reduce kernel's fixed cost (when {@code nc > 1})
 * @param smBandwidthShare per-SM load bandwidth over the chip bandwidth's per-SM share
 * @param ctaMatrixFraction MLA: one CTA's MMA rate over the per-SM bf16 peak (unused for GQA)
 */
public record SplitKTimeModel(
    double latencySeconds,
    double bandwidthFraction,
    double stepLatencySeconds,
    double stepSeconds,
    double reduceLatencySeconds,
    double smBandwidthShare,
    double ctaMatrixFraction) {
  private static final int MMA_ROWS = 16;
  private static final int STEP_TOKENS = 16;
  private static final int WARPS_PER_CTA = 4;
  private static final int[] STAGE_CHUNKS = {64, 128, 256, 384};
  private static final int MLA_TILE = 32;
  private static final int REDUCE_BLOCKS_PER_SM = 8;

  /** Heads of one MLA CTA (the harness's latent kernel holds 64 heads per block). */
  public static final int MLA_HEADS_PER_CTA = 64;

  /** Decode attention over a GQA/MHA/MQA cache. */
  public Terms time(GpuProfile gpu, double readBandwidth, OpShape.Attention s, double bytes) {
    int sms = gpu.sms();
    double bw = bandwidthFraction * readBandwidth;
    double bwSm = smBandwidthShare * bw / sms;
    long b = s.batch();
    long hkv = s.kvHeads();
    long ctx = Math.max(1, s.context());
    int group = Math.max(1, s.group());
    int mt = (group + MMA_ROWS - 1) / MMA_ROWS;
    double tokenBytes = bytes / (double) (b * hkv * ctx); // K+V of one token of one KV head
    long rows = b * hkv * group;
    double tMem = bytes / bw;
    double best = Double.POSITIVE_INFINITY;
    double bestChain = 0;
    // register kernel: the harness's chunk candidates
    long warpsPerChunk = b * hkv * mt;
    for (long c : registerChunks(ctx, group, warpsPerChunk, sms)) {
      long nc = (ctx + c - 1) / c;
      long steps = (c + STEP_TOKENS - 1) / STEP_TOKENS;
      long ctas = b * hkv * ((nc * mt + WARPS_PER_CTA - 1) / WARPS_PER_CTA);
      double issue = warpsPerChunk * nc * steps * stepSeconds / (4.0 * sms);
      double smSide = mt * bytes / (bwSm * sms);
      double tail = tail(rows, nc, s.valueDim(), 32, 1, bw, sms);
      for (int variant = 0; variant < 2; variant++) {
        int perSm = variant == 0 ? 3 : 2;
        double chain =
            variant == 0
                ? steps * (stepLatencySeconds + stepSeconds)
                : stepLatencySeconds + steps * Math.max(stepLatencySeconds, stepSeconds);
        long waves = (ctas + (long) perSm * sms - 1) / ((long) perSm * sms);
        double smBytes =
            Math.min(perSm, (ctas + sms - 1) / sms)
                * (double) Math.min(WARPS_PER_CTA, nc * mt)
                * c
                * tokenBytes;
        double wave = waves * Math.max(chain, smBytes / bwSm);
        double t = Math.max(Math.max(tMem, wave), Math.max(issue, smSide)) + tail;
        if (t < best) {
          best = t;
          bestChain = wave;
        }
      }
    }
    // smem-staged kernel
    if (mt <= 2) {
      int subRanges = 8 / mt;
      for (int c : STAGE_CHUNKS) {
        if (c % (STEP_TOKENS * subRanges) != 0
            || ctx % c != 0
            || c / (STEP_TOKENS * subRanges) > 8
            || (ctx / c > 1 && (double) group / c > 0.5)) {
          continue;
        }
        long nc = ctx / c;
        long steps = c / (STEP_TOKENS * subRanges);
        long ctas = b * hkv * nc;
        int perSm = c >= 256 ? 1 : 2;
        long waves = (ctas + (long) perSm * sms - 1) / ((long) perSm * sms);
        double chain = stepLatencySeconds + steps * stepSeconds;
        double smBytes = Math.min(perSm, (ctas + sms - 1) / sms) * (double) c * tokenBytes;
        double wave = waves * Math.max(chain, smBytes / bwSm);
        double issue = ctas * 8.0 * steps * stepSeconds / (4.0 * sms);
        double tail = tail(rows, nc, s.valueDim(), 128, 2, bw, sms);
        double t = Math.max(Math.max(tMem, wave), issue) + tail;
        if (t < best) {
          best = t;
          bestChain = wave;
        }
      }
    }
    return new Terms(latencySeconds, tMem, bestChain, 0, latencySeconds + best);
  }

  /** Latent MLA decode. */
  public Terms time(GpuProfile gpu, double readBandwidth, OpShape.Mla s, double bytes) {
    int sms = gpu.sms();
    double bw = bandwidthFraction * readBandwidth;
    double bwSm = smBandwidthShare * bw / sms;
    int perCta = Math.min(s.heads(), MLA_HEADS_PER_CTA);
    long headBlocks = (s.heads() + perCta - 1) / perCta;
    long b = s.batch();
    long ctx = Math.max(1, s.context());
    double tokenBytes = bytes / (double) (b * ctx);
    long rows = b * s.heads();
    int rowsPadded = Math.max(MMA_ROWS, (perCta + MMA_ROWS - 1) / MMA_ROWS * MMA_ROWS);
    double tileFlops = 2.0 * rowsPadded * MLA_TILE * (2 * s.kvLoraRank() + s.ropeDim());
    double tileSeconds =
        tileFlops / (ctaMatrixFraction * Roofline.peakFlops(gpu, DType.BF16) / sms);
    double tMem = bytes / bw;
    double best = Double.POSITIVE_INFINITY;
    double bestChain = 0;
    for (long c = ctx; ; c /= 2) {
      long nc = (ctx + c - 1) / c;
      long ctas = b * headBlocks * nc;
      if (c != ctx && (ctas > 16L * sms || c < MLA_TILE)) {
        break;
      }
      long tiles = (c + MLA_TILE - 1) / MLA_TILE;
      long waves = (ctas + sms - 1) / sms;
      double chain = stepSeconds + stepLatencySeconds + tiles * tileSeconds;
      double wave = waves * Math.max(chain, c * tokenBytes / bwSm);
      double t = Math.max(tMem, wave) + tail(rows, nc, s.kvLoraRank(), 8, 1, bw, sms);
      if (t < best) {
        best = t;
        bestChain = wave;
      }
      if (c <= 1) {
        break;
      }
    }
    return new Terms(latencySeconds, tMem, bestChain, 0, latencySeconds + best);
  }

  /**
   * Writing the fp32 partials and the reduce kernel that combines them ({@code blocksPerRow}
   * 256-thread blocks per output row, {@code perBatch} independent chunk loads per round trip).
   */
  private double tail(
      long rows, long nc, int valueDim, int perBatch, int blocksPerRow, double bw, int sms) {
    if (nc <= 1) {
      return 0;
    }
    double partials = 4.0 * rows * nc * (valueDim + 1);
    long blocks = rows * blocksPerRow;
    long waves = (blocks + (long) REDUCE_BLOCKS_PER_SM * sms - 1) / (REDUCE_BLOCKS_PER_SM * sms);
    double chain = ((nc + perBatch - 1) / perBatch + 1) * stepLatencySeconds * waves;
    return partials / bw + reduceLatencySeconds + Math.max(partials / bw, chain);
  }

  /**
   * The register kernel's chunk candidates, as the harness builds them: powers of two from 16
   * tokens, plus lengths that give 1..8 whole waves of 3 or 2 resident CTAs per SM; no split whose
   * partials would exceed half the K/V bytes ({@code group / C > 0.5}) or that needs more than 64
   * waves of warps.
   */
  static long[] registerChunks(long ctx, int group, long warpsPerChunk, int sms) {
    long[] out = new long[64];
    int n = 0;
    for (long c = STEP_TOKENS; c <= ctx; c *= 2) {
      n = addChunk(out, n, c, ctx, group, warpsPerChunk, sms);
    }
    for (int resident : new int[] {3, 2}) {
      for (int w : new int[] {1, 2, 3, 4, 6, 8}) {
        long nc = Math.round(w * (double) sms * resident * WARPS_PER_CTA / warpsPerChunk);
        if (nc < 1) {
          continue;
        }
        long c = ((ctx + nc - 1) / nc + STEP_TOKENS - 1) / STEP_TOKENS * STEP_TOKENS;
        n = addChunk(out, n, Math.min(c, ctx), ctx, group, warpsPerChunk, sms);
      }
    }
    if (n == 0) {
      out[n++] = ctx;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static int addChunk(
      long[] out, int n, long c, long ctx, int group, long warpsPerChunk, int sms) {
    long nc = (ctx + c - 1) / c;
    if (nc > 1 && ((double) group / c > 0.5 || warpsPerChunk * nc > (long) sms * 12 * 64)) {
      return n;
    }
    for (int i = 0; i < n; i++) {
      if (out[i] == c) {
        return n;
      }
    }
    out[n] = c;
    return n + 1;
  }

  static int roundUp(int v, int to) {
    return Math.max(to, (v + to - 1) / to * to);
  }
}
