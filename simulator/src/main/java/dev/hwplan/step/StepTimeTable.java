package dev.hwplan.step;

import dev.hwplan.memory.MlaLayout;
import dev.hwplan.op.ExpertRouting;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpKind;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.step.TableGrids.ContextRow;
import dev.hwplan.step.TableGrids.Curve;
import dev.hwplan.step.TableGrids.LongDoubleMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The step times of one {@link StepModel}, fast enough for a serving simulator: a
 * continuous-batching iteration is timed in tens of nanoseconds from remembered parts, where {@link
 * StepModel#seconds} builds and times an op graph (microseconds) whenever a composition is new, and
 * in serving it nearly always is, since the decode contexts grow every iteration.
 *
 * <p>{@link TransformerStep} builds a step from parts that each depend on few numbers of the
 * composition, and a step's time is the sum of its ops' times:
 *
 * <ul>
 *   <li>the linear part, every op that is neither attention nor one of those below (projections,
 *       MLP, norms, activations, collectives, embedding): a function of the step's new tokens;
 *   <li>the routed experts' grouped GEMMs: a function of the new tokens and of how their rows
 *       spread over the experts, which follows the step's token-weighted sequence length, kept on a
 *       grid of eight points an octave ({@link dev.hwplan.op.ExpertRouting#lengthBucket}): one
 *       curve over the tokens a grid point;
 *   <li>the logits (GEMM and gather): a function of the sequences;
 *   <li>MLA over the latent cache only: the W^UK/W^UV absorption, a function of the decodes, and
 *       the up-projection {@code kv_b_proj}, a function of the prefill tokens;
 *   <li>decode attention: a function of the decodes and their mean context;
 *   <li>prefill attention, one kernel per chunk shape: a function of (sequences, new tokens,
 *       prefix).
 * </ul>
 *
 * Each part is timed from the same graph and op-time model as {@link StepModel} (the part's ops
 * only), on first use, and kept; between the points it keeps, it is interpolated linearly: counts
 * exact up to 512 then within 64-wide cells (where GEMM tiles change, {@link TableGrids.Curve});
 * decode contexts exact up to 128 and at multiples of 64, between them within cells of 64 tokens
 * (1/128 octave beyond 8,192, {@link TableGrids.ContextRow}); prefill chunks are timed exactly per
 * (sequences, tokens, prefix) and kept. {@code StepTimeTableTest} bounds the difference from {@link
 * StepModel#seconds} on random compositions of dense, MoE, MLA and sliding-window models.
 *
 * <p>Not thread-safe: one table per simulating thread. Memory grows with the distinct cells used,
 * not with the iterations timed.
 */
public final class StepTimeTable {
  /** Decode counts with a context row of their own; larger ones interpolate between rows. */
  static final int EXACT_DECODES = 4096;

  private final StepModel steps;
  private final StepConfig config;
  private final OpTimeModel times;
  private final boolean latentMla;
  private final int contextClasses;

  private final Curve linear = new Curve();
  private final boolean moe;
  private Curve[] routed = new Curve[8];
  private int probeBucket;
  private final Curve prefillUpProjection = new Curve();
  private final Curve logits = new Curve();
  private final Curve absorb = new Curve();
  private final ContextRow[] decodeRows = new ContextRow[EXACT_DECODES + 1];
  private final Map<Long, ContextRow> wideRows = new HashMap<>();
  private final LongDoubleMap mergedChunks = new LongDoubleMap();

  private final TableGrids.Probe tokenProbe = this::probeTokens;
  private final TableGrids.Probe routedProbe = this::probeRouted;
  private final TableGrids.Probe sequenceProbe = this::probeSequences;
  private long probeDecodes;
  private ContextRow probeRow;
  private final TableGrids.Probe contextProbe = this::probeContext;

  private long[] packed = new long[16];
  private long probes;

  StepTimeTable(StepModel steps) {
    this.steps = steps;
    this.config = steps.config();
    this.times = steps.timeModel();
    this.latentMla = config.model().mla() != null && config.mlaLayout() == MlaLayout.LATENT;
    this.contextClasses = latentMla ? 6 : 1;
    this.moe = config.model().moe() != null;
  }

  /** The step model this table reads. */
  public StepModel steps() {
    return steps;
  }

  /** Op graphs timed so far to fill the table (its cost; each is about one step-model miss). */
  public long probes() {
    return probes;
  }

  /** The time of composition {@code s}, as {@link StepModel#seconds} gives it, from the table. */
  public double seconds(StepComposition s) {
    List<StepComposition.Prefill> ps = s.prefills();
    long prefillTokens = 0;
    long sequences = s.decodes();
    double attention = 0;
    for (StepComposition.Prefill p : ps) {
      prefillTokens += p.sequences() * p.tokens();
      sequences += p.sequences();
      attention += chunkAttention(p.sequences(), p.tokens(), p.prefix());
    }
    int bucket = moe ? ExpertRouting.lengthBucket(s.tokenWeightedChunkLength()) : 0;
    return parts(s.decodes(), s.decodes(), s.decodeContext(), prefillTokens, sequences, bucket)
        + attention;
  }

  /**
   * The time of an iteration, without allocating: {@code decodes} decode sequences attending to
   * {@code decodeContextTokens} tokens in all (their mean, rounded up, stands for each, as {@link
   * StepComposition.Builder#build} takes it), and {@code chunks} prefill chunks, chunk {@code i}
   * adding {@code chunkTokens[i]} tokens after {@code chunkPrefix[i]} cached ones (equal chunks run
   * as one kernel, as in {@link StepComposition}).
   */
  public double seconds(
      long decodes, long decodeContextTokens, int chunks, long[] chunkTokens, long[] chunkPrefix) {
    return seconds(decodes, decodeContextTokens, 1, chunks, chunkTokens, chunkPrefix);
  }

  /**
   * As {@link #seconds(long, long, int, long[], long[])} for a speculative-decoding verify step:
   * each decode sequence adds {@code queriesPerDecode} tokens (the last sampled token and k
   * proposals). The linear layers and the logits (and MLA's absorption) run over every query token;
   * attention reads each sequence's KV once (the decode kernels take a sequence's few queries
   * together, as they take the query heads of a KV group), so it is timed as the decodes' attention
   * at their context. An approximation for small k: the attention's compute grows with the queries,
   * which a memory-bound decode kernel hides.
   */
  public double seconds(
      long decodes,
      long decodeContextTokens,
      int queriesPerDecode,
      int chunks,
      long[] chunkTokens,
      long[] chunkPrefix) {
    long prefillTokens = 0;
    double squares = 0;
    double attention = 0;
    if (chunks == 1) {
      prefillTokens = chunkTokens[0];
      squares = chunkTokens[0] * (double) chunkTokens[0];
      attention = chunkAttention(1, chunkTokens[0], chunkPrefix[0]);
    } else if (chunks > 1) {
      if (packed.length < chunks) {
        packed = new long[Math.max(chunks, 2 * packed.length)];
      }
      for (int i = 0; i < chunks; i++) {
        prefillTokens += chunkTokens[i];
        squares += chunkTokens[i] * (double) chunkTokens[i];
        packed[i] = (chunkTokens[i] << 32) | chunkPrefix[i];
      }
      Arrays.sort(packed, 0, chunks);
      int i = 0;
      while (i < chunks) {
        int j = i + 1;
        while (j < chunks && packed[j] == packed[i]) {
          j++;
        }
        attention += chunkAttention(j - i, packed[i] >>> 32, packed[i] & 0xFFFF_FFFFL);
        i = j;
      }
    }
    long context = decodes == 0 ? 0 : (decodeContextTokens + decodes - 1) / decodes;
    long queries = decodes * queriesPerDecode;
    int bucket = 0;
    if (moe && (chunks > 0 || queriesPerDecode > 1)) {
      // a sequence's tokens in the step: a chunk's, or a verify step's queries
      squares += queries * (double) queriesPerDecode;
      bucket = ExpertRouting.lengthBucket(squares / (queries + prefillTokens));
    }
    return parts(decodes, queries, context, prefillTokens, queries + chunks, bucket) + attention;
  }

  /**
   * The parts but prefill attention; {@code queries}: the decodes' query tokens; {@code bucket}:
   * the step's sequence-length grid point ({@link ExpertRouting#lengthBucket}).
   */
  private double parts(
      long decodes, long queries, long context, long prefillTokens, long sequences, int bucket) {
    long tokens = queries + prefillTokens;
    double t = linear.get(tokens, tokenProbe);
    if (moe) {
      t += routed(bucket).get(tokens, routedProbeFor(bucket));
    }
    t += logits.get(sequences, sequenceProbe);
    if (latentMla) {
      if (queries > 0) {
        t += absorb.get(queries, sequenceProbe);
      }
      if (prefillTokens > 0) {
        t += prefillUpProjection.get(prefillTokens, tokenProbe);
      }
    }
    if (decodes > 0) {
      t += decodeAttention(decodes, context);
    }
    return t;
  }

  private double decodeAttention(long n, long context) {
    if (n <= EXACT_DECODES) {
      return row(n).get(context, contextProbeFor(n));
    }
    long lo = n & ~63L;
    long hi = lo + 64;
    double a = row(lo).get(context, contextProbeFor(lo));
    double b = row(hi).get(context, contextProbeFor(hi));
    return a + (b - a) * ((n - lo) / 64.0);
  }

  private ContextRow row(long n) {
    if (n <= EXACT_DECODES) {
      ContextRow r = decodeRows[(int) n];
      if (r == null) {
        r = new ContextRow(contextClasses);
        decodeRows[(int) n] = r;
      }
      return r;
    }
    return wideRows.computeIfAbsent(n, k -> new ContextRow(contextClasses));
  }

  private Curve routed(int bucket) {
    if (bucket >= routed.length) {
      routed = Arrays.copyOf(routed, Math.max(bucket + 1, 2 * routed.length));
    }
    Curve c = routed[bucket];
    if (c == null) {
      c = new Curve();
      routed[bucket] = c;
    }
    return c;
  }

  private TableGrids.Probe routedProbeFor(int bucket) {
    probeBucket = bucket;
    return routedProbe;
  }

  private TableGrids.Probe contextProbeFor(long n) {
    probeDecodes = n;
    probeRow = row(n);
    return contextProbe;
  }

  /**
   * Prefill attention of {@code sequences} equal chunks, timed exactly and kept: the calibrated
   * prefill kernel counts whole tiles of the sequence (a step at every tile boundary), which no
   * interpolation between grid points follows.
   */
  private double chunkAttention(long sequences, long tokens, long prefix) {
    long key = (sequences << 48) | (tokens << 24) | prefix;
    boolean packable = sequences < 1 << 15 && tokens < 1 << 24 && prefix < 1 << 24;
    double v = packable ? mergedChunks.get(key) : Double.NaN;
    if (v != v) {
      v = prefillAttention(sequences, tokens, prefix);
      if (packable) {
        mergedChunks.put(key, v);
      }
    }
    return v;
  }

  // ---- probes: the parts' ops of one graph, timed as StepModel times them ----

  private void probeTokens(long t) {
    double lin = 0;
    double up = 0;
    for (Op op : graph(StepComposition.prefill(1, t))) {
      OpKind k = op.kind();
      if (isAttention(k) || op.name().startsWith(LOGITS) || k == OpKind.GROUPED_GEMM) {
        continue;
      }
      double s = times.predict(op).seconds() * op.count();
      if (latentMla && op.name().equals(KV_B_PROJ)) {
        up += s;
      } else {
        lin += s;
      }
    }
    linear.set(t, lin);
    if (latentMla) {
      prefillUpProjection.set(t, up);
    }
  }

  /** The routed experts' grouped GEMMs over {@code t} tokens at the grid point being probed. */
  private void probeRouted(long t) {
    double g = 0;
    probes++;
    for (Op op : TransformerStep.ops(config, StepComposition.prefill(1, t), probeBucket)) {
      if (op.kind() == OpKind.GROUPED_GEMM) {
        g += times.predict(op).seconds() * op.count();
      }
    }
    routed[probeBucket].set(t, g);
  }

  private void probeSequences(long n) {
    double lg = 0;
    double ab = 0;
    for (Op op : graph(StepComposition.decode(n, 1))) {
      String name = op.name();
      if (name.startsWith(LOGITS)) {
        lg += times.predict(op).seconds() * op.count();
      } else if (latentMla && name.startsWith(ABSORB)) {
        ab += times.predict(op).seconds() * op.count();
      }
    }
    logits.set(n, lg);
    absorb.set(n, ab);
  }

  private void probeContext(long c) {
    double a = 0;
    for (Op op : graph(StepComposition.decode(probeDecodes, c))) {
      OpKind k = op.kind();
      if (k == OpKind.ATTENTION_DECODE || k == OpKind.MLA_DECODE) {
        a += times.predict(op).seconds() * op.count();
      }
    }
    probeRow.set(c, a);
  }

  private double prefillAttention(long sequences, long tokens, long prefix) {
    StepComposition s =
        new StepComposition(List.of(new StepComposition.Prefill(sequences, tokens, prefix)), 0, 0);
    double a = 0;
    for (Op op : graph(s)) {
      if (op.kind() == OpKind.ATTENTION_PREFILL) {
        a += times.predict(op).seconds() * op.count();
      }
    }
    return a;
  }

  private List<Op> graph(StepComposition s) {
    probes++;
    return steps.graph(s).ops();
  }

  private static boolean isAttention(OpKind k) {
    return k == OpKind.ATTENTION_DECODE || k == OpKind.ATTENTION_PREFILL || k == OpKind.MLA_DECODE;
  }

  // Op names of TransformerStep whose time depends on something other than the step's tokens.
  private static final String LOGITS = "logits";
  private static final String ABSORB = "attn.absorb_u";
  private static final String KV_B_PROJ = "attn.kv_b_proj";
}
