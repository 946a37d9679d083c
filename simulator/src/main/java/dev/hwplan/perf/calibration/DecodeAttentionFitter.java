package dev.hwplan.perf.calibration;

import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.attention.PrefillAttentionTimeModel;
import dev.hwplan.perf.attention.SdpaFlashTimeModel;
import dev.hwplan.perf.attention.SplitKTimeModel;
import dev.hwplan.perf.device.DevicePeaks;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Fits the decode-attention families: split-K GQA/MHA/MQA, MLA latent decode and SDPA's flash
 * backend on decode, on the harness's best times and on every candidate it timed.
 */
final class DecodeAttentionFitter {
  private DecodeAttentionFitter() {}

  static double attentionSeconds(SplitKTimeModel m, double read, FitData.Row<Rows.Attention> r) {
    Op op = RowOps.attentionOp(r.row(), AttentionKernel.SPLIT_K);
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, (OpShape.Attention) op.shape(), op.bytes()).seconds();
  }

  static double sdpaSeconds(SdpaFlashTimeModel m, double read, FitData.Row<Rows.Attention> r) {
    Op op = RowOps.attentionOp(r.row(), AttentionKernel.SDPA_FLASH);
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, (OpShape.Attention) op.shape(), op.bytes()).seconds();
  }

  static double mlaSeconds(SplitKTimeModel m, double read, FitData.Row<Rows.Mla> r) {
    Op op = RowOps.mlaOp(r.row());
    double bw = r.gpu().memoryBandwidthBytesPerSecond() * read;
    return m.time(r.peaks(), bw, (OpShape.Mla) op.shape(), op.bytes()).seconds();
  }

  static Spread attentionSpread(FitData data, SplitKTimeModel a, double read) {
    return NelderMead.spread(
        data.attentionRows(), r -> attentionSeconds(a, read, r), Rows.Attention::seconds);
  }

  static Spread mlaSpread(FitData data, SplitKTimeModel a, double read) {
    return NelderMead.spread(data.mlaRows(), r -> mlaSeconds(a, read, r), Rows.Mla::seconds);
  }

  /**
   * The SDPA flash decode rows its split-KV model is fitted to: those the backend runs on its
   * split-KV kernel (the others run the prefill kernel, timed by the prefill-attention model; see
   * {@link PrefillAttentionTimeModel#flashDecodeRunsPrefillKernel}).
   */
  static List<FitData.Row<Rows.Attention>> sdpaRows(FitData data) {
    return data.attentionRows().stream()
        .filter(r -> !Double.isNaN(r.row().sdpaFlashSeconds()))
        .filter(
            r ->
                !PrefillAttentionTimeModel.flashDecodeRunsPrefillKernel(
                    (OpShape.Attention)
                        RowOps.attentionOp(r.row(), AttentionKernel.SDPA_FLASH).shape(),
                    r.peaks().sms()))
        .toList();
  }

  static Spread sdpaSpread(FitData data, SdpaFlashTimeModel a, double read) {
    return NelderMead.spread(
        sdpaRows(data), r -> sdpaSeconds(a, read, r), Rows.Attention::sdpaFlashSeconds);
  }

  static SplitKTimeModel fitAttention(FitData data, double read) {
    List<FitData.Row<Rows.Attention>> rows = data.attentionRows();
    if (rows.isEmpty()) {
      return null;
    }
    List<Prepared<OpShape.Attention>> prepared =
        Prepared.all(
            rows,
            r -> RowOps.attentionOp(r, AttentionKernel.SPLIT_K),
            OpShape.Attention.class,
            Rows.Attention::seconds,
            Rows.Attention::candidates,
            read);
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
    /**
     * The rows with the op each timed (of shape type {@code shape}), its measured seconds and
     * split-K candidates, at {@code read} of each GPU's memory bandwidth.
     */
    static <R, S> List<Prepared<S>> all(
        List<FitData.Row<R>> rows,
        Function<R, Op> op,
        Class<S> shape,
        ToDoubleFunction<R> seconds,
        Function<R, List<Rows.Candidate>> candidates,
        double read) {
      List<Prepared<S>> out = new ArrayList<>();
      for (FitData.Row<R> r : rows) {
        Op o = op.apply(r.row());
        out.add(
            of(
                r.peaks(),
                shape.cast(o.shape()),
                o.bytes(),
                r.gpu().memoryBandwidthBytesPerSecond() * read,
                seconds.applyAsDouble(r.row()),
                candidates.apply(r.row())));
      }
      return out;
    }

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
  static SplitKTimeModel fitMla(FitData data, double read, SplitKTimeModel attention) {
    List<FitData.Row<Rows.Mla>> rows = data.mlaRows();
    if (rows.isEmpty()) {
      return null;
    }
    List<Prepared<OpShape.Mla>> prepared =
        Prepared.all(
            rows, RowOps::mlaOp, OpShape.Mla.class, Rows.Mla::seconds, Rows.Mla::candidates, read);
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
      double[] x = NelderMead.minimize(objective, start);
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
    return splitK(
        NelderMead.minimize(objective, new double[] {2e-6, 0.97, 0.9e-6, 2e-7, 2e-6, 0.8, 1e-6}));
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

  static SdpaFlashTimeModel fitSdpa(FitData data, double read) {
    List<FitData.Row<Rows.Attention>> rows = sdpaRows(data);
    if (rows.isEmpty()) {
      return null;
    }
    double[] x =
        NelderMead.minimize(
            p -> {
              SdpaFlashTimeModel m = new SdpaFlashTimeModel(p[0], p[1], p[2]);
              return NelderMead.logError(
                  rows, r -> sdpaSeconds(m, read, r), r -> r.sdpaFlashSeconds());
            },
            new double[] {8e-6, 0.9, 0.2});
    return new SdpaFlashTimeModel(x[0], x[1], x[2]);
  }
}
