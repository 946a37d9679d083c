package dev.hwplan.perf.gemm;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Terms;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The routed experts' GEMMs of an MoE layer, as {@code torch._grouped_mm} (CUTLASS grouped GEMM)
 * and as a per-expert loop of cuBLAS GEMMs run them.
 *
 * <p>Grouped: PyTorch's dispatch ({@code aten/src/ATen/native/cuda/GroupMM.cu}, {@code
 * dispatch_bf16_grouped_kernel_on_tile_size}) takes, on Hopper, the ping-pong kernel of {@code 64 x
 * 128} tiles (rows x columns) when the rows per expert ({@code M / groups}) or {@code n} are at
 * most 128, else the cooperative kernel of {@code 128 x 256} tiles. All experts' tiles share the
 * waves of SMs. At few tokens per expert the kernel streams the experts' weights at a fitted rate
 * per SM cycle, which depends on the tiles (issue 15, fitted on the balanced rows of {@code
 * grouped-gemm*.json}), and below the read bandwidth. The rate is the SMs' side, not a share of
 * HBM: the H100 (3.35 TB/s) streamed the post3 grid at 2.4 to 2.9 TB/s, about the H200's (4.8 TB/s)
 * rate on the same 132 SMs, where a share of HBM had predicted it 22 to 49% slower (freeze III, the
 * H100 run of 2026-12-06 05:47 UTC). Each SM works through its weight tiles at a pace of its own
 * (the tile pipeline's loads, MMAs and barriers, counted in cycles), so the rate follows SMs x
 * clock, not the bandwidth, until the bandwidth binds. (The H100 and H200 run the same 132 SMs at
 * the same 1.98 GHz, so their files cannot tell SMs from SMs x clock; the clock was kept because a
 * rate per SM alone made the A100's per-head attention GEMMs, which have no A100 measurement,
 * stream 25% faster and moved Korthikanti et al.'s Table 5 by a point, session 13.) An expert of
 * several 64-row tiles reads each weight tile from two or more CTAs, the second from L2, and
 * streams faster ({@code sharedTileFactor}); the large tile has its own rate ({@code
 * largeTileFactor}); a single 64-row tile with few valid rows is slower by up to {@code
 * fewRowsPenalty}; each tile costs {@code tileSeconds} on its SM (prologue, epilogue, the switch of
 * the group's tensor map); and fewer experts stream slower, by {@code fewExpertsSlope x ln(256 /
 * E)} (the measured rate of one matrix at the same tokens rises from about 2.4 to 3.2 TB/s between
 * 8 and 256 experts; fitted, no mechanism identified). With many tokens per expert the tiles' MMA
 * work binds, quantised over waves of SMs. Both kernels run in clusters of two CTAs along the rows
 * ({@code ClusterShape 2 x 1 x 1} in {@code GroupMM.cu}), and CUTLASS's grouped tile scheduler
 * rounds each group's row tiles up to a multiple of the cluster ({@link #CLUSTER_ROWS}): an expert
 * of three 128-row tiles issues four, the fourth all padding, which does the MMA work of a full
 * tile (issue 15, freeze VI: 288 and 352 tokens an expert, three tiles, ran 15 to 27% slower than
 * predicted on the H200's post4/post5 grids and the H100's post4, where 704, six tiles, did not).
 * The padding tile's weight tile comes by the cluster's multicast, so the weight stream and the
 * per-tile cost stay on the real tiles. A cluster reads its weight tiles once, but each cluster
 * reads them: in the small-tile (ping-pong) kernel a cluster holds 128 rows, and a routed expert
 * with more rows than that issues a second cluster, mostly padding, that reads the expert's weights
 * again, from HBM, and at few rows costs about what the first did. PyTorch picks the kernel on the
 * mean rows, so at a mean of 65 to 128 rows the busier experts of a routed step spill over one
 * cluster: the weight bytes count {@code clusters = issued / CLUSTER_ROWS} times (issue 15, freeze
 * XVIII: Mixtral-8x7B's 512-token prefills, 128 rows an expert on average, on the H100's and H200's
 * training steps, {@code step-profiles-train.json}, ran their grouped kernels 1.42 and 1.47 to 1.53
 * times the model's time; their routed counts give 47 clusters for 32 experts, 1.47; no parameter
 * was fitted). Only that case was measured, and only it counts clusters: routed experts of at most
 * 128 rows on average (balanced groups, and the small-tile kernel picked because {@code n <= 128},
 * where the few-MB weights may well stay in L2, count their weights once, as before). The
 * large-tile kernel's clusters hold 256 rows, and its weights count once: counting its clusters too
 * (its balanced training rows at 1024 rows hold four) moved the H100's fitted {@code
 * largeTileFactor} from 0.75 to 1.23 and made the H100's seen 640-token prefill ({@code
 * step-profiles-validation4.json}, one large cluster an expert) 12% fast instead of 5% slow. In the
 * cooperative kernel both consumer warp groups work on one tile and then write it out together, so
 * a tile's epilogue (accumulators to shared memory, the TMA store of its {@code 128 x 256} outputs)
 * follows its MMAs instead of hiding under another tile's, as the ping-pong kernel's two warp
 * groups do by turns: each issued large tile adds {@code epilogueSeconds} to the MMA-bound time
 * (issue 15, freeze X: at 272 to 1024 tokens an expert the H100's rows with {@code k} 512 to 1440
 * ran 8 to 18% slower than predicted and those with {@code k} 2048 to 7168 up to 16% faster, the
 * MMA fraction fitted between them, on its post6 to post8 grids, seen since, and the training rows
 * at 1024 tokens showed it too; fitted on the training rows alone, 1.4 us on the H100 and 1.1 us on
 * the H200). The SMs' stream and the read bandwidth meet in a knee ({@link #KNEE_EXPONENT}), not a
 * hard bound:
 *
 * <pre>
 *   CTAs  = E ceil(n / tileCols) mTiles,  mTiles = ceil(rows per expert / tileRows)
 *   cTiles = CLUSTER_ROWS ceil(mTiles / CLUSTER_ROWS),  cCTAs = E ceil(n / tileCols) cTiles
 *   clusters = [small tiles, routed, mean rows <= 128] cTiles / CLUSTER_ROWS, else 1
 *   streamed = bytes + weightBytes (clusters - 1)
 *   t_sm  = streamed / (streamPerSmCycle SMs clock factor(tiles)) (1 + fewRows) (1 + fewExperts)
 *   t_mem = (t_sm^4 + (streamed / readBandwidth)^4)^(1/4) + tileSeconds CTAs/SMs
 *   t_mma = (2 E cTiles tileRows n k / (matrixFraction peak(dtype)) + [large] epilogueSeconds cCTAs/SMs)
 *           x ceil(cCTAs/SMs) / (cCTAs/SMs)
 *   t     = latency + max(t_mem, t_mma)
 * </pre>
 *
 * Loop: {@link ExpertLoopTimeModel} ({@code loop}), one cuBLAS GEMM per expert. Other types than
 * bf16 use the same fractions of their own peak.
 *
 * @param streamPerSmCycle the weight bytes one SM streams a cycle at few tokens per expert (before
 *     the tile factors)
 * @param epilogueSeconds the cooperative (large-tile) kernel's epilogue a tile, which its MMAs do
 *     not hide (freeze X)
 * @param loop the per-expert loop of cuBLAS GEMMs; null where no loop was measured
 */
public record GroupedGemmTimeModel(
    double latencySeconds,
    double streamPerSmCycle,
    double sharedTileFactor,
    double largeTileFactor,
    double fewRowsPenalty,
    double tileSeconds,
    double fewExpertsSlope,
    double matrixFraction,
    double epilogueSeconds,
    ExpertLoopTimeModel loop) {
  /**
   * The most experts measured (DeepSeek-V3's 256): fewer stream slower, by {@code fewExpertsSlope x
   * ln(256 / experts)}; more are taken as 256.
   */
  public static final double MANY_EXPERTS = 256;

  /** Tile rows (tokens) and columns (outputs) of the ping-pong kernel. */
  public static final int TILE_ROWS = 64;

  public static final int TILE_COLS = 128;

  /** Tile rows and columns of the cooperative kernel (more than 128 rows an expert). */
  public static final int LARGE_TILE_ROWS = 128;

  public static final int LARGE_TILE_COLS = 256;

  /**
   * The exponent of the knee where the SMs' weight stream meets the read bandwidth: {@code t =
   * (t_sm^4 + t_hbm^4)^(1/4)}, not the larger of the two. As the SMs' demand nears what HBM
   * delivers, requests queue and the stream slows before the bound (the loaded-latency knee that
   * {@code SplitKTimeModel} adds in quadrature). Chosen, not fitted (issue 15, freeze VI): the
   * H200's rows, where HBM is 1.3 times the SMs' stream, barely constrain it; the H100's files (HBM
   * below the SMs' stream, {@code grouped-gemm-post3/post4.json}, seen) were predicted 6 to 8% fast
   * at the median with a hard bound, 4.5 and 3% with 4 (2: 9 and 5%; 6: 2.6 and 1.9% but worst
   * 16.5%).
   */
  public static final double KNEE_EXPONENT = 4;

  /** CTAs a cluster holds along the rows: each group's row tiles are issued in multiples of it. */
  public static final int CLUSTER_ROWS = 2;

  /** Whether PyTorch takes the large-tile kernel: more than 128 rows an expert and n above 128. */
  public static boolean largeTile(double rowsPerExpert, long n) {
    return rowsPerExpert > 128 && n > 128;
  }

  /**
   * A grouped GEMM of {@code experts} experts, {@code rowsPerExpert} token rows each (balanced),
   * moving {@code bytes}.
   */
  public Terms time(
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      double rowsPerExpert,
      long n,
      long k,
      double bytes) {
    int rows = largeTile(rowsPerExpert, n) ? LARGE_TILE_ROWS : TILE_ROWS;
    return timeTiles(
        gpu,
        readBandwidth,
        dtype,
        experts,
        rowsPerExpert,
        Math.ceil(rowsPerExpert / rows),
        false,
        1,
        n,
        k,
        bytes,
        experts * (double) n * k * dtype.bytes());
  }

  /**
   * {@link #time} with {@code mTiles} row tiles an expert (a mean over the experts). With {@code
   * routed} rows the tile count varies with the routing, and the last wave is taken as half full on
   * average rather than quantised, and the tiles issued, rounded up to the cluster, are their
   * expectation over the routed rows ({@link #routedIssuedTiles}).
   */
  private Terms timeTiles(
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      double rowsPerExpert,
      double mTiles,
      boolean routed,
      double dispersion,
      long n,
      long k,
      double bytes,
      double weightBytes) {
    boolean large = largeTile(rowsPerExpert, n);
    int tileRows = large ? LARGE_TILE_ROWS : TILE_ROWS;
    int tileCols = large ? LARGE_TILE_COLS : TILE_COLS;
    double columns = Math.ceil(n / (double) tileCols);
    double ctas = experts * columns * mTiles;
    double issued =
        routed
            ? routedIssuedTiles(rowsPerExpert, tileRows, dispersion)
            : CLUSTER_ROWS * Math.ceil(mTiles / CLUSTER_ROWS);
    double issuedPerWave = experts * columns * issued / gpu.sms();
    // routed experts hold a fractional mean of tiles: between one and two, the shared rate blends
    // in
    double factor =
        large ? largeTileFactor : 1 + (sharedTileFactor - 1) * Math.min(1, Math.max(0, mTiles - 1));
    double fewRows =
        !large && mTiles < 2
            ? fewRowsPenalty * (1 - Math.min(rowsPerExpert, tileRows) / tileRows)
            : 0;
    double fewExperts = fewExpertsSlope * Math.log(MANY_EXPERTS / Math.min(MANY_EXPERTS, experts));
    double perWave = ctas / gpu.sms();
    // the small-tile kernel picked on at most 128 mean rows: each cluster of a routed expert reads
    // the expert's weight tiles again (the only case measured; see the class comment)
    double clusters = large || !routed || rowsPerExpert > 128 ? 1 : issued / CLUSTER_ROWS;
    double streamed = bytes + weightBytes * (clusters - 1);
    double sm =
        streamed
            / (streamPerSmCycle * gpu.smCyclesPerSecond() * factor)
            * (1 + fewRows)
            * (1 + fewExperts);
    double hbm = streamed / readBandwidth;
    double mem = Knee.join(sm, hbm, KNEE_EXPONENT) + tileSeconds * perWave;
    double waves =
        (routed ? Math.max(1, issuedPerWave + 0.5) : Math.ceil(issuedPerWave)) / issuedPerWave;
    double mma =
        (2.0 * experts * issued * tileRows * n * k / (matrixFraction * gpu.peakFlops(dtype))
                + (large ? epilogueSeconds * issuedPerWave : 0))
            * waves;
    return new Terms(latencySeconds, mem, mma, 0, latencySeconds + Math.max(mem, mma));
  }

  /**
   * {@link #time} of the routed experts of an MoE layer. Balanced groups (every group {@code
   * maxRowsPerExpert} rows, as MLA's per-head GEMMs) are timed as they are; routed experts are not
   * balanced, and each expert's last row tile is partly empty: with the rows of the experts spread
   * by routing over more than a tile, an expert holds {@code mean / tileRows + 1/2} row tiles on
   * average (at least one), not {@code ceil(mean / tileRows)}. The kernel is chosen on the mean
   * rows of the active experts (PyTorch divides by all the experts of the weight tensor; the two
   * differ only when some experts get no token, at few rows, far from the 128-row switch).
   */
  public Terms time(
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      OpShape.GroupedGemm s,
      double flops,
      double bytes) {
    double rows = flops / (2.0 * s.n() * s.k());
    double mean = rows / s.activeExperts();
    boolean routed = s.maxRowsPerExpert() > Math.ceil(mean);
    int tileRows = largeTile(mean, s.n()) ? LARGE_TILE_ROWS : TILE_ROWS;
    double tiles = routed ? Math.max(1, mean / tileRows + 0.5) : Math.ceil(mean / tileRows);
    return timeTiles(
        gpu,
        readBandwidth,
        dtype,
        s.activeExperts(),
        mean,
        tiles,
        routed,
        s.rowsDispersion(),
        s.n(),
        s.k(),
        bytes,
        s.activeExperts() * (double) s.n() * s.k() * s.weightBytes());
  }

  /**
   * Expected row tiles the scheduler issues an active expert of {@code mean} routed rows on
   * average: {@code CLUSTER_ROWS ceil(rows / (CLUSTER_ROWS tileRows))}, with an expert's rows
   * normal about the mean with the variance {@code dispersion x mean}: {@code mean} is about that
   * of uniform top-k routing (Binomial(t, k/E), as {@code ExpertRouting} takes it), and the
   * dispersion is the step's ({@link dev.hwplan.op.ExpertRouting#rowsDispersion}: a prompt's tokens
   * route alike, so a prefill's experts spread wider). Uses {@code ceil(x / c) = sum over j >= 0 of
   * [x > c j]}: {@code CLUSTER_ROWS (1 + sum over j >= 1 of P(rows > c j))}. At 160 rows of 128-row
   * tiles every expert issues two, where half a tile more than the mean ({@code 1.75}) was taken
   * before; far above a cluster, or with rows spread over more than a cluster, it tends to {@code
   * mean / tileRows + 1}. Freeze XI (issue 15): with the binomial spread alone the tiles the seen
   * prefills' experts issued (25 prefills of the H100's and H200's step files, counted from their
   * routed rows, {@code expertTokenCounts}) were off by -12 to +9%; with the dispersion, by -3 to
   * +2%.
   */
  static double routedIssuedTiles(double mean, int tileRows, double dispersion) {
    double cluster = CLUSTER_ROWS * (double) tileRows;
    double sd = Math.sqrt(Math.max(mean, 1) * dispersion);
    double sum = 1;
    for (int j = 1; cluster * j < mean + 8 * sd; j++) {
      sum += 1 - STANDARD_NORMAL.cumulativeProbability((cluster * j - mean) / sd);
    }
    return CLUSTER_ROWS * sum;
  }

  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  /**
   * The per-expert loop: one cuBLAS GEMM per expert, launched back to back in a CUDA graph ({@link
   * ExpertLoopTimeModel}).
   */
  public double loopSeconds(
      GemmTimeModel gemm,
      DevicePeaks gpu,
      double readBandwidth,
      DType dtype,
      int experts,
      long rowsPerExpert,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    if (loop == null) {
      throw new IllegalStateException("no per-expert loop was fitted");
    }
    return loop.seconds(
        gemm,
        gpu,
        readBandwidth,
        dtype,
        experts,
        rowsPerExpert,
        n,
        k,
        activationBytes,
        weightBytes);
  }
}
