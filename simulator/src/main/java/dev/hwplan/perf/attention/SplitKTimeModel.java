package dev.hwplan.perf.attention;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;

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
 *   main     = max(knee(bytes / bw, waves x chain), issue)
 *   knee(a, b) = sqrt(a^2 + b^2)
 *   bw       = bandwidthFraction x readBandwidth     (stage kernel: stageBandwidthFraction)
 *   partials = 4 x rows x nc x Dv  (fp32 partial outputs, rows = batch x query heads; 0 if nc = 1)
 *   reduce   = reduceLatency + max(partials / bw, (ceil(nc / perBatch) + 1) x stepLatency x wavesR)
 * </pre>
 *
 * <ul>
 *   <li><b>register kernel</b> ({@code gqa_decode_kernel}): one warp per (sequence, KV head, chunk,
 *       16-row head tile), 4 warps per 128-thread CTA, {@code MT = ceil(group / 16)} tiles per
 *       group; 3 CTAs per SM (168 registers) or 2 for the software-pipelined variant (255). A warp
 *       streams its chunk in 16-token steps: {@code chain = steps x (stepLatency + stepSeconds)}
 *       (plain: load, wait, compute) or {@code stepLatency + steps x max(stepLatency, stepSeconds)}
 *       (pipelined: the next step's loads are in flight while one computes); {@code issue} is every
 *       warp step over the 4 schedulers of each SM. The L2-hint variants take the same time here.
 *       The {@code MT} warps of one chunk sit in the same CTA ({@code ci = (4 blockIdx.x + warp) /
 *       MT}), so the second head tile of an MQA group finds its K/V in that SM's L1 and the DRAM
 *       bytes are the cache's once.
 *   <li><b>stage kernel</b> ({@code gqa_stage_kernel}, {@code MT <= 2}, {@code C} in {64, 128, 256,
 *       384} dividing the context): one 256-thread CTA per chunk puts the whole chunk in flight at
 *       once, then 8 warps compute {@code C x MT / 128} steps each as the groups land, with a
 *       CTA-wide barrier per step and a shared-memory combine at the end: {@code chain =
 *       stepLatency + (steps + 1) x stageStep}; 2 CTAs per SM, 1 from 256 tokens (129 KiB of shared
 *       memory). Its DRAM fraction is its own: with one or two CTAs per SM that load, then compute
 *       and combine, the SM's loads stop between phases.
 *   <li><b>MLA</b> ({@code mla_decode_kernel}): one 256-thread CTA (1 per SM) per 64 heads x chunk,
 *       32-token tiles; each tile is MMA-bound: {@code chain = stepSeconds + stepLatency + tiles x
 *       4 x 64 x 32 x (2 rank + rope) / (ctaMatrixFraction x peak(bf16) / SMs)}.
 * </ul>
 *
 * Waves are CTAs over resident slots ({@code ceil(CTAs / (SMs x CTAs per SM))}, NVIDIA "CUDA C++
 * Best Practices Guide", occupancy; "Matrix Multiplication Background User's Guide", wave
 * quantization). {@code waves x chain} is Little's law for the whole GPU: the resident warps keep
 * one step of K/V each in flight per round trip, so with few warps the round trips, not the DRAM,
 * set the rate. Near the crossing of the two bounds neither holds alone: the DRAM queue lengthens
 * every round trip (loaded latency), so the model adds the two in quadrature ({@code knee}), which
 * is the larger term far from the crossing and {@code sqrt(2)} times it at the crossing. (A free
 * exponent {@code (a^p + b^p)^(1/p)} fits to p = 1.84 on the H100 and 1.85 on the H200 with about
 * the same held-out errors; 2 keeps the evaluation to one square root.) The reduce kernel ({@code
 * splitk_reduce_kernel}, one 256-thread block per row; {@code splitk_reduce_wide_kernel}, two per
 * row) walks the chunks in batches of independent loads ({@code perBatch} = 32, 128, or 8 for MLA's
 * 512-wide rows), one dependent L2 round trip per batch. Every parameter is a fraction of a profile
 * figure or a time of the kernel's own structure (a round trip, a step, a launch), so a fit on one
 * GPU predicts another through its SM count, peak and bandwidth. On the training rows the fits give
 * a DRAM round trip of 0.90 us (H100) and 0.98 us (H200), a warp step of 0.20 us on both, and
 * streaming at 0.98-0.99 of the read probe; an isolated warp's plain step, 1.1-1.2 us, is what the
 * harness's single-chunk candidates show (about 1.15 us on the H100, 1.2 us on the H200).
 *
 * @param latencySeconds fixed launch and set-up time of the op (graph launch of the kernels)
 * @param bandwidthFraction achieved K/V streaming rate over the read probe's bandwidth
 * @param stepLatencySeconds one dependent DRAM round trip of a warp's or CTA's load chain
 * @param stepSeconds compute of one 16-token warp step (GQA; MMA, softmax); per-CTA set-up (MLA)
 * @param reduceLatencySeconds the split-K reduce kernel's fixed cost (when {@code nc > 1})
 * @param ctaMatrixFraction MLA: one CTA's MMA rate over the per-SM bf16 peak (unused for GQA)
 * @param stageBandwidthFraction stage kernel: achieved streaming rate over the read probe's
 *     bandwidth
 * @param stageStepSeconds stage kernel: one 16-token step of a warp (barrier, ldmatrix, MMA), and
 *     the final combine
 */
public record SplitKTimeModel(
    double latencySeconds,
    double bandwidthFraction,
    double stepLatencySeconds,
    double stepSeconds,
    double reduceLatencySeconds,
    double ctaMatrixFraction,
    double stageBandwidthFraction,
    double stageStepSeconds) {
  private static final int MMA_ROWS = 16;
  private static final int STEP_TOKENS = 16;
  private static final int WARPS_PER_CTA = 4;
  private static final int[] STAGE_CHUNKS = {64, 128, 256, 384};
  private static final int MLA_TILE = 32;
  private static final int REDUCE_BLOCKS_PER_SM = 8;
  private static final int[] WAVES = {1, 2, 3, 4, 6, 8};

  /** Heads of one MLA CTA (the harness's latent kernel holds 64 heads per block). */
  public static final int MLA_HEADS_PER_CTA = 64;

  /** Register kernel without pipelining (the harness's {@code plain} variant). */
  public static final int PLAIN = 0;

  /** Register kernel, software-pipelined ({@code pipelined}). */
  public static final int PIPELINED = 1;

  /** Register kernel with the L2 256-byte prefetch hint ({@code l2hint}). */
  public static final int L2HINT = 2;

  /** Pipelined register kernel with the L2 hint ({@code pipelined+l2hint}). */
  public static final int PIPELINED_L2HINT = 3;

  /** The smem-staged CTA kernel ({@code stage}). */
  public static final int STAGE = 4;

  /**
   * Decode attention over a GQA/MHA/MQA cache: the fastest of the harness's candidates. The memory
   * term is the K/V streamed at {@code bw}; the time beyond it (the warps' chains of dependent DRAM
   * round trips, 0.9-1.0 us each against a 0.2 us warp step, then the partials and the reduce) is
   * latency, added to the launch's: a decode-attention op at 8 FLOP per byte is never bound by the
   * tensor cores, and was labelled compute-bound until issue 15's audit (no time changed: the
   * compiled execution form's scale on compute-bound ops applies where this kernel does not run,
   * that form timing decode attention as SDPA flash).
   */
  public Terms time(DevicePeaks gpu, double readBandwidth, OpShape.Attention s, double bytes) {
    Problem p = problem(gpu, readBandwidth, s, bytes);
    int sms = p.sms;
    long warpsPerChunk = p.b * p.hkv * p.mt;
    double best = Double.POSITIVE_INFINITY;
    // register kernel: lengths that give whole waves of 3 or 2 CTAs per SM (first: the fastest
    // is usually among them, which lets the bound in main skip most others), then powers of two
    // from 16 tokens; a length met twice is evaluated twice, the minimum does not change
    for (int resident = 3; resident >= 2; resident--) {
      for (int w : WAVES) {
        long nc = Math.round(w * (double) sms * resident * WARPS_PER_CTA / warpsPerChunk);
        if (nc < 1) {
          continue;
        }
        long c =
            Math.min(p.ctx, ((p.ctx + nc - 1) / nc + STEP_TOKENS - 1) / STEP_TOKENS * STEP_TOKENS);
        if (chunkAllowed(c, p.ctx, p.group, warpsPerChunk, sms)) {
          best = registerBest(p, c, best);
        }
      }
    }
    for (long c = STEP_TOKENS; c <= p.ctx; c *= 2) {
      if (chunkAllowed(c, p.ctx, p.group, warpsPerChunk, sms)) {
        best = registerBest(p, c, best);
      }
    }
    if (best == Double.POSITIVE_INFINITY) {
      best = registerBest(p, p.ctx, best);
    }
    for (int c : STAGE_CHUNKS) {
      if (stageAllowed(c, p.ctx, p.group)) {
        best = Math.min(best, main(p, STAGE, c, best));
      }
    }
    double beyond = Math.max(0, best - p.tMem);
    return new Terms(latencySeconds + beyond, p.tMem, 0, 0, latencySeconds + best);
  }

  /**
   * What every candidate of one decode-attention problem shares: the GPU's SMs, the register
   * kernels' streaming rate {@code bw}, the shape's sequences, KV heads, context (at least 1) and
   * query heads per KV head, the 16-row head tiles of a group ({@code MT}), and the K/V bytes and
   * their time at {@code bw}.
   */
  private record Problem(
      OpShape.Attention s,
      int sms,
      double readBandwidth,
      double bw,
      long b,
      long hkv,
      long ctx,
      int group,
      int mt,
      double bytes,
      double tMem) {}

  private Problem problem(
      DevicePeaks gpu, double readBandwidth, OpShape.Attention s, double bytes) {
    double bw = bandwidthFraction * readBandwidth;
    int group = Math.max(1, s.group());
    return new Problem(
        s,
        gpu.sms(),
        readBandwidth,
        bw,
        s.batch(),
        s.kvHeads(),
        Math.max(1, s.context()),
        group,
        (group + MMA_ROWS - 1) / MMA_ROWS,
        bytes,
        bytes / bw);
  }

  /**
   * The faster of the plain and the pipelined register kernel at chunk {@code c}, or {@code best}
   * if neither beats it (the L2-hint variants take the same time in this model). Shares the terms
   * the two variants have in common; {@link #main} holds the same formulas for one variant.
   */
  private double registerBest(Problem p, long c, double best) {
    int sms = p.sms;
    long nc = (p.ctx + c - 1) / c;
    long steps = (c + STEP_TOKENS - 1) / STEP_TOKENS;
    long ctas = p.b * p.hkv * ((nc * p.mt + WARPS_PER_CTA - 1) / WARPS_PER_CTA);
    double issue = p.b * p.hkv * p.mt * nc * steps * stepSeconds / (4.0 * sms);
    double tail = tail(p.b * p.hkv * p.group, nc, p.s.valueDim(), 32, 1, p.bw, sms);
    double plain =
        ((ctas + 3L * sms - 1) / (3L * sms)) * steps * (stepLatencySeconds + stepSeconds);
    double piped =
        ((ctas + 2L * sms - 1) / (2L * sms))
            * (stepLatencySeconds + steps * Math.max(stepLatencySeconds, stepSeconds));
    double wave = Math.min(plain, piped);
    if (Math.max(Math.max(p.tMem, wave), issue) + tail >= best) {
      return best;
    }
    return Math.min(best, Math.max(knee(p.tMem, wave), issue) + tail);
  }

  /**
   * One candidate the harness timed: {@code variant} ({@link #PLAIN} .. {@link #STAGE}) at {@code
   * chunk} tokens per split, launch latency included. NaN if the harness would not run it.
   */
  public double candidateSeconds(
      DevicePeaks gpu,
      double readBandwidth,
      OpShape.Attention s,
      double bytes,
      int variant,
      long c) {
    Problem p = problem(gpu, readBandwidth, s, bytes);
    if (variant == STAGE && !stageAllowed(c, p.ctx, p.group)) {
      return Double.NaN;
    }
    return latencySeconds + main(p, variant, c, Double.POSITIVE_INFINITY);
  }

  /**
   * Main kernel plus partials and reduce of one candidate, without the launch latency; {@code +inf}
   * as soon as a lower bound (the knee is at least the larger of its two terms) reaches {@code
   * cutoff}, for candidates that cannot be the fastest.
   */
  private double main(Problem p, int variant, long c, double cutoff) {
    int sms = p.sms;
    long rows = p.b * p.hkv * p.group;
    long nc = (p.ctx + c - 1) / c;
    if (variant == STAGE) {
      int subRanges = 8 / p.mt;
      long steps = c / (STEP_TOKENS * subRanges);
      long ctas = p.b * p.hkv * nc;
      int perSm = c >= 256 ? 1 : 2;
      double bwStage = stageBandwidthFraction * p.readBandwidth;
      long waves = (ctas + (long) perSm * sms - 1) / ((long) perSm * sms);
      double wave = waves * (stepLatencySeconds + (steps + 1) * stageStepSeconds);
      double issue = ctas * 8.0 * steps * stageStepSeconds / (4.0 * sms);
      double tail = tail(rows, nc, p.s.valueDim(), 128, 2, p.bw, sms);
      double stream = p.bytes / bwStage;
      if (Math.max(Math.max(stream, wave), issue) + tail >= cutoff) {
        return Double.POSITIVE_INFINITY;
      }
      return Math.max(knee(stream, wave), issue) + tail;
    }
    long warpsPerChunk = p.b * p.hkv * p.mt;
    long steps = (c + STEP_TOKENS - 1) / STEP_TOKENS;
    long ctas = p.b * p.hkv * ((nc * p.mt + WARPS_PER_CTA - 1) / WARPS_PER_CTA);
    double issue = warpsPerChunk * nc * steps * stepSeconds / (4.0 * sms);
    boolean pipelined = (variant & PIPELINED) != 0;
    int perSm = pipelined ? 2 : 3;
    double chain =
        pipelined
            ? stepLatencySeconds + steps * Math.max(stepLatencySeconds, stepSeconds)
            : steps * (stepLatencySeconds + stepSeconds);
    double wave = ((ctas + (long) perSm * sms - 1) / ((long) perSm * sms)) * chain;
    double tail = tail(rows, nc, p.s.valueDim(), 32, 1, p.bw, sms);
    if (Math.max(Math.max(p.tMem, wave), issue) + tail >= cutoff) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(knee(p.tMem, wave), issue) + tail;
  }

  /**
   * The streaming time and the latency-chain time combined in quadrature, {@code sqrt(a^2 + b^2)}:
   * far from the knee the larger term alone, at the knee {@code sqrt(2)} times it, where the DRAM
   * queue lengthens every round trip of the chain (loaded latency) and neither bound holds.
   */
  private static double knee(double a, double b) {
    return Math.sqrt(a * a + b * b);
  }

  private static boolean stageAllowed(long c, long ctx, int group) {
    int mt = (group + MMA_ROWS - 1) / MMA_ROWS;
    if (mt > 2) {
      return false;
    }
    int subRanges = 8 / mt;
    return c % (STEP_TOKENS * subRanges) == 0
        && c <= 384
        && ctx % c == 0
        && c / (STEP_TOKENS * subRanges) <= 8
        && !(ctx / c > 1 && (double) group / c > 0.5);
  }

  /**
   * The harness's filter on register-kernel chunk lengths: no split whose partials would exceed
   * half the K/V bytes ({@code group / C > 0.5}) or that needs more than 64 waves of warps.
   */
  private static boolean chunkAllowed(long c, long ctx, int group, long warpsPerChunk, int sms) {
    long nc = (ctx + c - 1) / c;
    return nc <= 1 || ((double) group / c <= 0.5 && warpsPerChunk * nc <= (long) sms * 12 * 64);
  }

  /**
   * Latent MLA decode: the fastest of the harness's chunk lengths (halvings of the context); terms
   * as for decode attention.
   */
  public Terms time(DevicePeaks gpu, double readBandwidth, OpShape.Mla s, double bytes) {
    int sms = gpu.sms();
    long headBlocks = (s.heads() + MLA_HEADS_PER_CTA - 1) / MLA_HEADS_PER_CTA;
    long ctx = Math.max(1, s.context());
    double best = Double.POSITIVE_INFINITY;
    for (long c = ctx; ; c /= 2) {
      long ctas = s.batch() * headBlocks * ((ctx + c - 1) / c);
      if (c != ctx && (ctas > 16L * sms || c < MLA_TILE)) {
        break;
      }
      best = Math.min(best, mlaMain(gpu, readBandwidth, s, bytes, c));
      if (c <= 1) {
        break;
      }
    }
    double tMem = bytes / (bandwidthFraction * readBandwidth);
    return new Terms(latencySeconds, tMem, Math.max(0, best - tMem), 0, latencySeconds + best);
  }

  /** One MLA chunk length the harness timed ({@code chunk} tokens per split), latency included. */
  public double candidateSeconds(
      DevicePeaks gpu, double readBandwidth, OpShape.Mla s, double bytes, long chunk) {
    return latencySeconds + mlaMain(gpu, readBandwidth, s, bytes, chunk);
  }

  private double mlaMain(
      DevicePeaks gpu, double readBandwidth, OpShape.Mla s, double bytes, long c) {
    int sms = gpu.sms();
    double bw = bandwidthFraction * readBandwidth;
    int perCta = Math.min(s.heads(), MLA_HEADS_PER_CTA);
    long headBlocks = (s.heads() + perCta - 1) / perCta;
    long b = s.batch();
    long ctx = Math.max(1, s.context());
    long rows = b * s.heads();
    int rowsPadded = Math.max(MMA_ROWS, (perCta + MMA_ROWS - 1) / MMA_ROWS * MMA_ROWS);
    double tileFlops = 2.0 * rowsPadded * MLA_TILE * (2.0 * s.kvLoraRank() + s.ropeDim());
    double tileSeconds = tileFlops / (ctaMatrixFraction * gpu.peakFlops(DType.BF16) / sms);
    double tMem = bytes / bw;
    long nc = (ctx + c - 1) / c;
    long ctas = b * headBlocks * nc;
    long tiles = (c + MLA_TILE - 1) / MLA_TILE;
    long waves = (ctas + sms - 1) / sms;
    double chain = stepSeconds + stepLatencySeconds + tiles * tileSeconds;
    return knee(tMem, waves * chain) + tail(rows, nc, s.kvLoraRank(), 8, 1, bw, sms);
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

  static int roundUp(int v, int to) {
    return Math.max(to, (v + to - 1) / to * to);
  }
}
