package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpGraph;
import dev.hwplan.op.OpKind;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.attention.SdpaFlashTimeModel;
import dev.hwplan.perf.attention.SplitKTimeModel;
import dev.hwplan.perf.comm.CollectiveTimeModel;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.elementwise.ElementwiseTimeModel;
import dev.hwplan.perf.gemm.GemmTimeModel;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.step.TransformerStep;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Fits a {@link GpuCalibration} to committed measurements: each family's parameters minimise the
 * sum of squared log errors (relative errors, so microsecond GEMVs weigh as much as millisecond
 * GEMMs) over the rows {@code use} accepts, by Nelder-Mead on the logarithms of the parameters
 * (which keeps them positive), restarted from its own optimum. Deterministic: no random starts.
 *
 * <p>The small-kernel latency of unfused elementwise kernels is the one figure no kernel
 * measurement holds: it is the median, over the accepted decode-step rows, of (measured step time
 * minus every other calibrated op) / (elementwise kernels in the step).
 */
public final class CalibrationFitter {
  private final List<Measurements> data;
  private final Predicate<String> use;
  private final Map<String, GpuProfile> profiles = new HashMap<>();

  /**
   * @param data the GPUs to fit on
   * @param use which row keys may be fitted (the training side of a split, or all)
   */
  public CalibrationFitter(List<Measurements> data, Predicate<String> use) {
    this.data = List.copyOf(data);
    this.use = use;
    ProfileCatalog catalog = ProfileCatalog.bundled();
    for (Measurements m : data) {
      profiles.put(m.profileId(), catalog.get(m.profileId()));
    }
  }

  /** Fits every family that has rows; the others come from {@code fallback} (may be null). */
  public GpuCalibration fit(String id, GpuCalibration fallback) {
    List<String> notes = new ArrayList<>();
    List<String> fittedOn = data.stream().map(Measurements::profileId).toList();
    double read =
        fraction(
            Measurements::readBytesPerSecond, fallback == null ? 0.93 : fallback.readFraction());
    double copy =
        fraction(
            Measurements::copyBytesPerSecond, fallback == null ? 0.85 : fallback.copyFraction());
    Map<String, Spread> spreads = new HashMap<>();

    GemmTimeModel gemm = fitGemm(read);
    if (gemm == null) {
      gemm = require(fallback, "gemm").gemm();
      spreads.put("gemm", fallback.spread("gemm"));
      notes.add("GEMM efficiencies from " + fallback.id());
    } else {
      GemmTimeModel g = gemm;
      spreads.put("gemm", spread(gemmRows(), r -> gemmSeconds(g, read, r)));
    }
    SplitKTimeModel attention = fitAttention(read);
    if (attention == null) {
      attention = require(fallback, "decode attention").attention();
      spreads.put("attention", fallback.spread("attention"));
      notes.add("decode-attention efficiencies from " + fallback.id());
    } else {
      SplitKTimeModel a = attention;
      spreads.put("attention", spread(attentionRows(), r -> attentionSeconds(a, read, r)));
    }
    SplitKTimeModel mla = fitMla(read, attention);
    if (mla == null) {
      mla = require(fallback, "MLA decode").mla();
      spreads.put("mla", fallback.spread("mla"));
      notes.add("MLA decode efficiencies from " + fallback.id());
    } else {
      SplitKTimeModel a = mla;
      spreads.put("mla", spread(mlaRows(), r -> mlaSeconds(a, read, r)));
    }
    SdpaFlashTimeModel sdpa = fitSdpa(read);
    if (sdpa == null) {
      sdpa = require(fallback, "SDPA flash").sdpaFlash();
      spreads.put("sdpa-flash", fallback.spread("sdpa-flash"));
      notes.add("SDPA flash efficiencies from " + fallback.id());
    } else {
      SdpaFlashTimeModel a = sdpa;
      List<Row<Rows.Attention>> rows =
          attentionRows().stream().filter(r -> !Double.isNaN(r.row().sdpaFlashSeconds())).toList();
      spreads.put(
          "sdpa-flash", spread(rows, r -> sdpaSeconds(a, read, r), r -> r.sdpaFlashSeconds()));
    }
    Map<Collective, CollectiveTimeModel> collectives = fitCollectives(spreads);
    if (collectives.isEmpty() && fallback != null) {
      collectives = fallback.collectives();
      spreads.put("collective", fallback.spread("collective"));
      if (!collectives.isEmpty()) {
        notes.add(
            "collectives from the NCCL measurements of "
                + String.join(", ", fallback.fittedOn())
                + ", through the link bandwidth of the profile");
      }
    }
    GpuCalibration partial =
        new GpuCalibration(
            id,
            fittedOn,
            read,
            copy,
            gemm,
            attention,
            mla,
            sdpa,
            collectives,
            new ElementwiseTimeModel(0),
            spreads,
            notes);
    return fitElementwise(partial, fallback);
  }

  private static GpuCalibration require(GpuCalibration fallback, String what) {
    if (fallback == null) {
      throw new IllegalStateException("no " + what + " measurements to calibrate on");
    }
    return fallback;
  }

  /** A row with the profile it was measured on. */
  /** A measured row on the GPU it was measured on (its peaks derived once per GPU). */
  record Row<T>(DevicePeaks peaks, T row) {
    GpuProfile gpu() {
      return peaks.gpu();
    }
  }

  private double fraction(ToDoubleFunction<Measurements> probe, double otherwise) {
    double sum = 0;
    int n = 0;
    for (Measurements m : data) {
      double v = probe.applyAsDouble(m);
      if (v > 0) {
        sum += v / profiles.get(m.profileId()).memoryBandwidthBytesPerSecond();
        n++;
      }
    }
    return n == 0 ? otherwise : sum / n;
  }

  private <T> List<Row<T>> rows(Function<Measurements, List<T>> f, Function<T, String> key) {
    List<Row<T>> out = new ArrayList<>();
    for (Measurements m : data) {
      DevicePeaks peaks = DevicePeaks.of(profiles.get(m.profileId()));
      for (T r : f.apply(m)) {
        if (use.test(key.apply(r))) {
          out.add(new Row<>(peaks, r));
        }
      }
    }
    return out;
  }

  List<Row<Rows.Gemm>> gemmRows() {
    return rows(Measurements::gemm, Rows.Gemm::key);
  }

  List<Row<Rows.Attention>> attentionRows() {
    return rows(Measurements::attention, Rows.Attention::key);
  }

  List<Row<Rows.Mla>> mlaRows() {
    return rows(Measurements::mla, Rows.Mla::key);
  }

  // ---- the op each row measured, and its calibrated time -------------------------------------

  /** The op a GEMM row timed: A and W in the row's dtype, C in bf16. */
  public static Op gemmOp(Rows.Gemm r) {
    return Ops.gemm("gemm", DType.parse(r.dtype()), r.m(), r.n(), r.k());
  }

  public static Op attentionOp(Rows.Attention r, AttentionKernel kernel) {
    return Ops.decodeAttention(
        "attention",
        r.batch(),
        r.heads(),
        r.kvHeads(),
        r.headDim(),
        r.headDim(),
        r.context(),
        2,
        kernel);
  }

  public static Op mlaOp(Rows.Mla r) {
    return Ops.mlaDecode("mla", r.batch(), r.heads(), r.kvLoraRank(), r.ropeDim(), r.context(), 2);
  }

  public static Op collectiveOp(Rows.Collective r) {
    return Ops.collective("collective", Collective.parse(r.op(), "op"), r.gpus(), r.bytes());
  }

  private static double gemmSeconds(GemmTimeModel m, double read, Row<Rows.Gemm> r) {
    Op op = gemmOp(r.row());
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, op.dtype(), (OpShape.Gemm) op.shape(), op.bytes()).seconds();
  }

  private static double attentionSeconds(SplitKTimeModel m, double read, Row<Rows.Attention> r) {
    Op op = attentionOp(r.row(), AttentionKernel.SPLIT_K);
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, (OpShape.Attention) op.shape(), op.bytes()).seconds();
  }

  private static double sdpaSeconds(SdpaFlashTimeModel m, double read, Row<Rows.Attention> r) {
    Op op = attentionOp(r.row(), AttentionKernel.SDPA_FLASH);
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, (OpShape.Attention) op.shape(), op.bytes()).seconds();
  }

  private static double mlaSeconds(SplitKTimeModel m, double read, Row<Rows.Mla> r) {
    Op op = mlaOp(r.row());
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, (OpShape.Mla) op.shape(), op.bytes()).seconds();
  }

  // ---- fits ----------------------------------------------------------------------------------

  private GemmTimeModel fitGemm(double read) {
    List<Row<Rows.Gemm>> rows = gemmRows();
    if (rows.isEmpty()) {
      return null;
    }
    double[] x =
        minimize(
            p -> {
              GemmTimeModel m = gemmModel(p);
              return logError(rows, r -> gemmSeconds(m, read, r), r -> r.seconds());
            },
            new double[] {3e-6, 0.9, 0.72, 0.70, 6});
    return gemmModel(x);
  }

  private static GemmTimeModel gemmModel(double[] p) {
    return new GemmTimeModel(p[0], p[1], p[2], p[3], 1 + p[4]);
  }

  private SplitKTimeModel fitAttention(double read) {
    List<Row<Rows.Attention>> rows = attentionRows();
    if (rows.isEmpty()) {
      return null;
    }
    List<Prepared<OpShape.Attention>> prepared = new ArrayList<>();
    for (Row<Rows.Attention> r : rows) {
      Op op = attentionOp(r.row(), AttentionKernel.SPLIT_K);
      prepared.add(
          Prepared.of(
              r.peaks(),
              (OpShape.Attention) op.shape(),
              op.bytes(),
              r.gpu().memoryBandwidthBytesPerSecond() * read,
              r.row().seconds(),
              r.row().candidates()));
    }
    return fitSplitK(
        p -> {
          SplitKTimeModel m = splitK(p);
          return fitError(
              prepared,
              (x, c) ->
                  c < 0
                      ? m.time(x.gpu(), x.bw(), x.shape(), x.bytes()).seconds()
                      : m.candidateSeconds(
                          x.gpu(), x.bw(), x.shape(), x.bytes(), x.variants()[c], x.chunks()[c]));
        });
  }

  /**
   * One training row, ready for the objective: the op's shape and bytes, the bandwidth the model is
   * given, the log of the best time and of every candidate the harness timed ({@code splitTuning}:
   * each kernel variant at each chunk length).
   */
  private record Prepared<S>(
      DevicePeaks gpu,
      S shape,
      double bytes,
      double bw,
      double logSeconds,
      int[] variants,
      long[] chunks,
      double[] logCandidates) {
    static <S> Prepared<S> of(
        DevicePeaks gpu,
        S shape,
        double bytes,
        double bw,
        double seconds,
        List<Rows.Candidate> candidates) {
      int n = candidates.size();
      int[] variants = new int[n];
      long[] chunks = new long[n];
      double[] logs = new double[n];
      for (int i = 0; i < n; i++) {
        variants[i] = candidates.get(i).variant();
        chunks[i] = candidates.get(i).chunk();
        logs[i] = Math.log(candidates.get(i).seconds());
      }
      return new Prepared<>(gpu, shape, bytes, bw, Math.log(seconds), variants, chunks, logs);
    }
  }

  /** A model's time for a prepared row: its best time ({@code candidate < 0}) or a candidate. */
  private interface Predict<S> {
    double seconds(Prepared<S> row, int candidate);
  }

  /**
   * Squared log error of every row's best time, plus the mean squared log error of the row's
   * candidates (each kernel variant at each chunk length the harness timed), so that a row's
   * candidates together weigh as much as its best time. The best time alone is one point per shape;
   * the candidates trace each shape's time against chunk length, waves and kernel, which pins the
   * per-step, per-split and per-wave costs that decide the minimum. A candidate the model does not
   * know (NaN) is skipped.
   */
  private static <S> double fitError(List<Prepared<S>> rows, Predict<S> predict) {
    double sum = 0;
    for (Prepared<S> r : rows) {
      double p = predict.seconds(r, -1);
      if (!(p > 0) || Double.isInfinite(p)) {
        return Double.MAX_VALUE;
      }
      double e = Math.log(p) - r.logSeconds();
      sum += e * e;
      double part = 0;
      int n = 0;
      for (int c = 0; c < r.logCandidates().length; c++) {
        double q = predict.seconds(r, c);
        if (Double.isNaN(q)) {
          continue;
        }
        if (!(q > 0) || Double.isInfinite(q)) {
          return Double.MAX_VALUE;
        }
        double d = Math.log(q) - r.logCandidates()[c];
        part += d * d;
        n++;
      }
      if (n > 0) {
        sum += part / n;
      }
    }
    return sum;
  }

  /**
   * MLA decode is MMA-bound at every measured shape, so its bandwidth terms cannot be fitted: it
   * takes the decode-attention kernels' bandwidth fraction and DRAM round trip (the same K/V
   * streaming path on the same GPU) and fits its launch latency, CTA MMA fraction, CTA set-up and
   * reduce latency, on the rows' best times and, as for decode attention, on the harness's timings
   * of every chunk length (the fastest of its four kernel variants at each).
   */
  private SplitKTimeModel fitMla(double read, SplitKTimeModel attention) {
    List<Row<Rows.Mla>> rows = mlaRows();
    if (rows.isEmpty()) {
      return null;
    }
    List<Prepared<OpShape.Mla>> prepared = new ArrayList<>();
    for (Row<Rows.Mla> r : rows) {
      Op op = mlaOp(r.row());
      prepared.add(
          Prepared.of(
              r.peaks(),
              (OpShape.Mla) op.shape(),
              op.bytes(),
              r.gpu().memoryBandwidthBytesPerSecond() * read,
              r.row().seconds(),
              r.row().candidates()));
    }
    ToDoubleFunction<double[]> objective =
        p -> {
          SplitKTimeModel m = mlaModel(p, attention);
          return fitError(
              prepared,
              (x, c) ->
                  c < 0
                      ? m.time(x.gpu(), x.bw(), x.shape(), x.bytes()).seconds()
                      : m.candidateSeconds(x.gpu(), x.bw(), x.shape(), x.bytes(), x.chunks()[c]));
        };
    double[] best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (double[] start : new double[][] {{5e-6, 5e-6, 3e-6, 0.3}, {10e-6, 1e-6, 1e-6, 0.2}}) {
      double[] x = minimize(objective, start);
      double v = objective.applyAsDouble(x);
      if (v < bestValue) {
        bestValue = v;
        best = x;
      }
    }
    return mlaModel(best, attention);
  }

  private static SplitKTimeModel mlaModel(double[] p, SplitKTimeModel a) {
    return new SplitKTimeModel(
        p[0],
        a.bandwidthFraction(),
        a.stepLatencySeconds(),
        p[1],
        p[2],
        Math.min(1, p[3]),
        Double.NaN,
        Double.NaN);
  }

  /**
   * One start near the kernel's physical values (a 0.9 us DRAM round trip, a 0.2 us warp step, 2 us
   * of launch and reduce, about 1 us per stage-kernel step): with the candidates in the objective,
   * two other starts (0.5 us round trip and 0.3 us step; 0.9 us and 0.2 us with a 0.2 us stage
   * step) end within 0.2 % of its objective on each GPU, training side or all rows, and on the
   * pooled data, at twice or three times the fitting time every process pays at start-up.
   */
  private static SplitKTimeModel fitSplitK(ToDoubleFunction<double[]> objective) {
    return splitK(minimize(objective, new double[] {2e-6, 0.97, 0.9e-6, 2e-7, 2e-6, 0.8, 1e-6}));
  }

  /**
   * GQA/MHA/MQA: the issue time per warp step stands for the MMA work, no separate fraction. The
   * streaming fractions are capped at 1: no kernel streams faster than the read probe (the best
   * rows reach 0.98-1.0 of it on both GPUs).
   */
  private static SplitKTimeModel splitK(double[] p) {
    return new SplitKTimeModel(
        p[0], Math.min(1, p[1]), p[2], p[3], p[4], Double.NaN, Math.min(1, p[5]), p[6]);
  }

  private SdpaFlashTimeModel fitSdpa(double read) {
    List<Row<Rows.Attention>> rows =
        attentionRows().stream().filter(r -> !Double.isNaN(r.row().sdpaFlashSeconds())).toList();
    if (rows.isEmpty()) {
      return null;
    }
    double[] x =
        minimize(
            p -> {
              SdpaFlashTimeModel m = new SdpaFlashTimeModel(p[0], p[1], p[2]);
              return logError(rows, r -> sdpaSeconds(m, read, r), r -> r.sdpaFlashSeconds());
            },
            new double[] {8e-6, 0.9, 0.2});
    return new SdpaFlashTimeModel(x[0], x[1], x[2]);
  }

  private Map<Collective, CollectiveTimeModel> fitCollectives(Map<String, Spread> spreads) {
    List<Row<Rows.Collective>> all = rows(Measurements::collectives, Rows.Collective::key);
    Map<Collective, CollectiveTimeModel> out = new EnumMap<>(Collective.class);
    List<Double> ratios = new ArrayList<>();
    for (Collective c : Collective.values()) {
      List<Row<Rows.Collective>> rows =
          all.stream()
              .filter(r -> Collective.parse(r.row().op(), "op") == c && r.row().gpus() >= 2)
              .toList();
      if (rows.isEmpty()) {
        continue;
      }
      ToDoubleFunction<double[]> objective =
          p -> {
            CollectiveTimeModel m = new CollectiveTimeModel(p[0], p[1]);
            return logError(
                rows,
                r -> m.time(r.peaks(), (OpShape.Comm) collectiveOp(r.row()).shape()).seconds(),
                r -> r.seconds());
          };
      double[] x = minimize(objective, new double[] {15e-6, 0.7});
      CollectiveTimeModel m = new CollectiveTimeModel(x[0], x[1]);
      out.put(c, m);
      for (Row<Rows.Collective> r : rows) {
        double pred = m.time(r.peaks(), (OpShape.Comm) collectiveOp(r.row()).shape()).seconds();
        ratios.add(r.row().seconds() / pred);
      }
    }
    if (!ratios.isEmpty()) {
      spreads.put(
          "collective", spreadOf(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return out;
  }

  /** The model a decode-step row ran, as {@code kernels/cuda/scripts/llama_decode.py} built it. */
  public static StepConfig decodeStepConfig(Rows.DecodeStep r) {
    ModelSpec model = ModelCatalog.resolve(r.model());
    return new StepConfig(
        model,
        Parallelism.single(),
        WeightDtype.parse(r.dtype(), "dtype"),
        KvDtype.BF16,
        MlaLayout.LATENT,
        Execution.EAGER);
  }

  /** The step of a decode-step row: K/V written at {@code context}, attention over context+1. */
  public static StepComposition decodeStep(Rows.DecodeStep r) {
    return StepComposition.decode(r.batch(), r.context() + 1);
  }

  private GpuCalibration fitElementwise(GpuCalibration partial, GpuCalibration fallback) {
    List<Row<Rows.DecodeStep>> rows = rows(Measurements::decodeSteps, Rows.DecodeStep::key);
    List<Double> perKernel = new ArrayList<>();
    List<OpGraph> graphs = new ArrayList<>();
    for (Row<Rows.DecodeStep> r : rows) {
      OpGraph g = TransformerStep.build(decodeStepConfig(r.row()), decodeStep(r.row()));
      graphs.add(g);
      double rest = StepModel.sum(g, new CalibratedModel(r.peaks(), partial)).seconds();
      long kernels = 0;
      for (Op op : g.ops()) {
        if (op.shape() instanceof OpShape.Elementwise e
            && (op.kind() == OpKind.ELEMENTWISE || op.kind() == OpKind.EMBEDDING)) {
          kernels += (long) e.kernels() * op.count();
        }
      }
      perKernel.add((r.row().seconds() - rest) / kernels);
    }
    List<String> notes = new ArrayList<>(partial.notes());
    double latency;
    Map<String, Spread> spreads = new HashMap<>(partial.spreads());
    if (perKernel.isEmpty()) {
      if (fallback != null) {
        latency = fallback.elementwise().kernelLatencySeconds();
        spreads.put("elementwise", fallback.spread("elementwise"));
        notes.add("small-kernel latency from " + fallback.id() + "'s decode steps");
      } else {
        latency = partial.gemm().latencySeconds();
        notes.add("no decode-step measurements: small kernels take the GEMM latency floor");
      }
    } else {
      double[] v = perKernel.stream().mapToDouble(Double::doubleValue).toArray();
      latency = Math.max(0, Stats.percentile(v, 0.5));
      GpuCalibration done = withElementwise(partial, latency, spreads, notes);
      double[] ratios = new double[rows.size()];
      for (int i = 0; i < ratios.length; i++) {
        double pred =
            StepModel.sum(graphs.get(i), new CalibratedModel(rows.get(i).peaks(), done)).seconds();
        ratios[i] = rows.get(i).row().seconds() / pred;
      }
      spreads.put("elementwise", spreadOf(ratios));
    }
    return withElementwise(partial, latency, spreads, notes);
  }

  private static GpuCalibration withElementwise(
      GpuCalibration c, double latency, Map<String, Spread> spreads, List<String> notes) {
    return new GpuCalibration(
        c.id(),
        c.fittedOn(),
        c.readFraction(),
        c.copyFraction(),
        c.gemm(),
        c.attention(),
        c.mla(),
        c.sdpaFlash(),
        c.collectives(),
        new ElementwiseTimeModel(latency),
        spreads,
        notes);
  }

  // ---- numerics ------------------------------------------------------------------------------

  private static <T> double logError(
      List<Row<T>> rows, ToDoubleFunction<Row<T>> predicted, ToDoubleFunction<T> measured) {
    double sum = 0;
    for (Row<T> r : rows) {
      double p = predicted.applyAsDouble(r);
      if (!(p > 0) || Double.isInfinite(p)) {
        return Double.MAX_VALUE;
      }
      double e = Math.log(p / measured.applyAsDouble(r.row()));
      sum += e * e;
    }
    return sum;
  }

  private static <T> Spread spread(List<Row<T>> rows, ToDoubleFunction<Row<T>> predicted) {
    return spread(rows, predicted, null);
  }

  private static <T> Spread spread(
      List<Row<T>> rows, ToDoubleFunction<Row<T>> predicted, ToDoubleFunction<T> measured) {
    double[] ratios = new double[rows.size()];
    for (int i = 0; i < ratios.length; i++) {
      Row<T> r = rows.get(i);
      double m = measured != null ? measured.applyAsDouble(r.row()) : secondsOf(r.row());
      ratios[i] = m / predicted.applyAsDouble(r);
    }
    return spreadOf(ratios);
  }

  private static double secondsOf(Object row) {
    if (row instanceof Rows.Gemm g) {
      return g.seconds();
    }
    if (row instanceof Rows.Attention a) {
      return a.seconds();
    }
    if (row instanceof Rows.Mla m) {
      return m.seconds();
    }
    throw new IllegalArgumentException(row.toString());
  }

  private static Spread spreadOf(double[] ratios) {
    if (ratios.length == 0) {
      return Spread.NONE;
    }
    double lo = Math.min(1, Stats.percentile(ratios, 0.05));
    double hi = Math.max(1, Stats.percentile(ratios, 0.95));
    return new Spread(lo, hi, ratios.length);
  }

  /** Nelder-Mead over the logarithms of {@code x0}, restarted twice from its own optimum. */
  static double[] minimize(ToDoubleFunction<double[]> f, double[] x0) {
    DoubleUnaryOperator exp = Math::exp;
    int n = x0.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = Math.log(x0[i]);
    }
    SimplexOptimizer opt = new SimplexOptimizer(1e-9, 1e-12);
    double[] steps = new double[n];
    java.util.Arrays.fill(steps, 0.5);
    for (int round = 0; round < 3; round++) {
      PointValuePair p =
          opt.optimize(
              new MaxEval(6000),
              new ObjectiveFunction(
                  z -> {
                    double[] x = new double[n];
                    for (int i = 0; i < n; i++) {
                      x[i] = exp.applyAsDouble(z[i]);
                    }
                    return f.applyAsDouble(x);
                  }),
              GoalType.MINIMIZE,
              new InitialGuess(y),
              new NelderMeadSimplex(steps));
      y = p.getPoint();
      java.util.Arrays.fill(steps, 0.1);
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(y[i]);
    }
    return x;
  }
}
