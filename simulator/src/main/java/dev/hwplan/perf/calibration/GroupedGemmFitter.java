package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.DType;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.gemm.ExpertLoopTimeModel;
import dev.hwplan.perf.gemm.GemmTimeModel;
import dev.hwplan.perf.gemm.GroupedGemmTimeModel;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Fits {@link GroupedGemmTimeModel} to the grouped-GEMM files ({@link Measurements#GROUPED_FILES}):
 * latency, streaming rate per SM cycle, tile rate factors, few-rows penalty, per-tile seconds, MMA
 * fraction and the cooperative kernel's epilogue a tile on the {@code torch._grouped_mm} times,
 * then the per-expert loop ({@link ExpertLoopTimeModel}: fixed cost, stream fraction, a CTA's
 * stream, blend, split-K reduction) on the per-expert loop times with the GPU's calibrated cuBLAS
 * GEMM model. Weights and activations are bf16 as measured.
 */
final class GroupedGemmFitter {
  /** The unit of the fitted streaming rate, 10 bytes a SM cycle, so that it starts near 1. */
  static final double STREAM_UNIT = 10;

  private GroupedGemmFitter() {}

  static List<FitData.Row<Rows.GroupedGemm>> rows(FitData data) {
    return data.rows(Measurements::groupedGemm, Rows.GroupedGemm::key);
  }

  /**
   * The rows that set the intervals and are never fitted ({@link Measurements#groupedIntervals}).
   */
  static List<FitData.Row<Rows.GroupedGemm>> intervalRows(FitData data) {
    return data.rows(Measurements::groupedIntervals, Rows.GroupedGemm::key);
  }

  /** The rows with a per-expert loop time. */
  private static List<FitData.Row<Rows.GroupedGemm>> withLoopTime(
      List<FitData.Row<Rows.GroupedGemm>> rows) {
    return rows.stream().filter(r -> !Double.isNaN(r.row().loopSeconds())).toList();
  }

  /** The bytes a balanced grouped GEMM row moves: every expert's weights, rows in and out. */
  static double bytes(Rows.GroupedGemm r) {
    double e = r.experts();
    return e * r.n() * r.k() * 2 + e * r.tokensPerExpert() * (double) (r.k() + r.n()) * 2;
  }

  static double groupedSeconds(
      GroupedGemmTimeModel m, double read, FitData.Row<Rows.GroupedGemm> r) {
    Rows.GroupedGemm g = r.row();
    return m.time(
            r.peaks(),
            r.gpu().memoryBandwidthBytesPerSecond() * read,
            DType.parse(g.dtype()),
            g.experts(),
            g.tokensPerExpert(),
            g.n(),
            g.k(),
            bytes(g))
        .seconds();
  }

  static double loopSeconds(
      GroupedGemmTimeModel m, GemmTimeModel gemm, double read, FitData.Row<Rows.GroupedGemm> r) {
    Rows.GroupedGemm g = r.row();
    return m.loopSeconds(
        gemm,
        r.peaks(),
        r.gpu().memoryBandwidthBytesPerSecond() * read,
        DType.parse(g.dtype()),
        g.experts(),
        g.tokensPerExpert(),
        g.n(),
        g.k(),
        2,
        2);
  }

  /**
   * The model of the fit's parameters: latency, streaming rate per SM cycle (in {@link
   * #STREAM_UNIT}), shared-tile and large-tile rate factors, few-rows penalty, per-tile seconds,
   * few-experts slope, MMA fraction, the cooperative kernel's epilogue a tile (us); and the loop's.
   */
  private static GroupedGemmTimeModel model(double[] p, ExpertLoopTimeModel loop) {
    return new GroupedGemmTimeModel(
        p[0], p[1] * STREAM_UNIT, p[2], p[3], p[4], p[5], p[6], p[7], p[8] * 1e-6, loop);
  }

  /**
   * The loop's parameters: fixed cost (us), stream fraction, a CTA's bytes a cycle (in {@link
   * #STREAM_UNIT}), blend exponent, split-K reduction's fixed cost and cost a slice (us).
   */
  private static ExpertLoopTimeModel loop(double[] q) {
    return new ExpertLoopTimeModel(
        q[0] * 1e-6, q[1], q[2] * STREAM_UNIT, q[3], q[4] * 1e-6, q[5] * 1e-6);
  }

  /** Where the loop's fit starts. */
  private static final double[] LOOP_START = {2.5, 0.9, 6, 6, 2, 0.2};

  /**
   * The fitted model, or null without rows; adds the {@code grouped-gemm} and loop spreads: the 5th
   * and 95th percentiles of measured over predicted times on the interval rows ({@link
   * #intervalRows}) of every profile in {@code data} (the pooled fit takes both GPUs'), or on the
   * training rows where none has any; the loop's likewise on the interval rows with a loop time, or
   * on the training loops where none has one.
   */
  static GroupedGemmTimeModel fit(
      FitData data, double read, GemmTimeModel gemm, Map<String, Spread> spreads) {
    List<FitData.Row<Rows.GroupedGemm>> rows = rows(data);
    if (rows.isEmpty()) {
      return null;
    }
    ToDoubleFunction<double[]> objective =
        p ->
            NelderMead.logError(
                rows,
                r -> groupedSeconds(model(p, null), read, r),
                Rows.GroupedGemm::groupedSeconds);
    double[] best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (double[] start :
        new double[][] {
          {8e-6, 1.3, 1.1, 1.0, 0.1, 0.5e-6, 0.05, 0.75, 1.0},
          {10e-6, 1.15, 1.0, 1.0, 0.05, 1e-6, 0.02, 0.7, 0.5}
        }) {
      double[] x = NelderMead.minimize(objective, start);
      double v = objective.applyAsDouble(x);
      if (v < bestValue) {
        bestValue = v;
        best = x;
      }
    }
    double[] p = best;
    List<FitData.Row<Rows.GroupedGemm>> loops = withLoopTime(rows);
    ExpertLoopTimeModel fitted = null;
    if (!loops.isEmpty()) {
      fitted =
          loop(
              NelderMead.minimize(
                  q ->
                      NelderMead.logError(
                          loops,
                          r -> loopSeconds(model(p, loop(q)), gemm, read, r),
                          Rows.GroupedGemm::loopSeconds),
                  LOOP_START));
    }
    GroupedGemmTimeModel m = model(p, fitted);
    // The intervals: residuals of the rows no fit sees where there are any (split conformal,
    // Measurements.GROUPED_INTERVAL_FILES), else of the training rows.
    List<FitData.Row<Rows.GroupedGemm>> held = intervalRows(data);
    List<FitData.Row<Rows.GroupedGemm>> spreadRows = held.isEmpty() ? rows : held;
    spreads.put(
        "grouped-gemm",
        NelderMead.spread(
            spreadRows, r -> groupedSeconds(m, read, r), Rows.GroupedGemm::groupedSeconds));
    if (!loops.isEmpty()) {
      List<FitData.Row<Rows.GroupedGemm>> heldLoops = withLoopTime(held);
      spreads.put(
          "expert-loop",
          NelderMead.spread(
              heldLoops.isEmpty() ? loops : heldLoops,
              r -> loopSeconds(m, gemm, read, r),
              Rows.GroupedGemm::loopSeconds));
    }
    return m;
  }
}
