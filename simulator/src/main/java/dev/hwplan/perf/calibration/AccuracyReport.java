package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Op;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.step.StepModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * How well the calibrated mode predicts measurements it was not fitted on. For every measured GPU,
 * a calibration is fitted on the training side of {@link HeldOutSplit} of that GPU's rows only; it
 * then predicts that GPU's held-out rows ({@code same-gpu}) and every row of each other GPU ({@code
 * cross-gpu}, through the other GPU's profile). Errors are {@code |predicted / measured - 1|}.
 * Deterministic; CI regression metrics and reports read it.
 *
 * @param rows one row per family, scenario and pair of GPUs
 * @param decodeSteps whole-model decode steps predicted from the op graph
 */
public record AccuracyReport(List<Row> rows, List<StepRow> decodeSteps) {
  /**
   * @param family {@code gemm}, {@code attention} (split-K decode), {@code sdpa-flash}, {@code
   *     mla}, {@code collective}
   * @param scenario {@code same-gpu} (held-out rows) or {@code cross-gpu} (all rows of another GPU)
   */
  public record Row(
      String family,
      String scenario,
      String calibratedOn,
      String predicted,
      int n,
      double medianError,
      double p90Error,
      double maxError) {
    /**
     * The row as the accuracy tables show it: family, scenario, calibrated on, predicted, n, and
     * the median, p90 and largest |error| in percent.
     */
    public Object[] cells() {
      return new Object[] {
        family,
        scenario,
        calibratedOn,
        predicted,
        n,
        100 * medianError,
        100 * p90Error,
        100 * maxError
      };
    }
  }

  /** One decode step of a whole model: measured, predicted and the signed relative error. */
  public record StepRow(
      String gpu,
      String calibratedOn,
      String model,
      long batch,
      long context,
      boolean heldOut,
      double measuredSeconds,
      double predictedSeconds,
      double error) {}

  private static volatile AccuracyReport bundled;

  public AccuracyReport {
    rows = List.copyOf(rows);
    decodeSteps = List.copyOf(decodeSteps);
  }

  /** The report over the committed measurements with the committed seed (computed once). */
  public static AccuracyReport bundled() {
    AccuracyReport r = bundled;
    if (r == null) {
      synchronized (AccuracyReport.class) {
        if (bundled == null) {
          bundled = compute(Calibrations.measurements(), HeldOutSplit.SEED);
        }
        r = bundled;
      }
    }
    return r;
  }

  /** The row of one family and scenario, if the data had one. */
  public java.util.Optional<Row> find(
      String family, String scenario, String calibratedOn, String predicted) {
    return rows.stream()
        .filter(
            r ->
                r.family().equals(family)
                    && r.scenario().equals(scenario)
                    && r.calibratedOn().equals(calibratedOn)
                    && r.predicted().equals(predicted))
        .findFirst();
  }

  /**
   * The median |error| of the whole decode steps measured on {@code gpu} and predicted with {@code
   * calibratedOn}'s calibration; NaN when there are none.
   */
  public double decodeStepMedianError(String gpu, String calibratedOn) {
    return Stats.percentile(
        decodeSteps.stream()
            .filter(r -> r.gpu().equals(gpu) && r.calibratedOn().equals(calibratedOn))
            .mapToDouble(r -> Math.abs(r.error()))
            .toArray(),
        0.5);
  }

  public static AccuracyReport compute(List<Measurements> data, long seed) {
    HeldOutSplit split = split(data, seed);
    ProfileCatalog catalog = ProfileCatalog.bundled();
    Map<String, GpuCalibration> fits = new LinkedHashMap<>();
    for (Measurements m : data) {
      fits.put(
          m.profileId(),
          new CalibrationFitter(List.of(m), split::isTraining)
              .fit(m.profileId() + "-train", fallbackFor(data, m, split)));
    }
    List<Row> rows = new ArrayList<>();
    List<StepRow> steps = new ArrayList<>();
    for (Measurements fitted : data) {
      GpuCalibration cal = fits.get(fitted.profileId());
      for (Measurements target : data) {
        boolean same = target.profileId().equals(fitted.profileId());
        GpuProfile gpu = catalog.get(target.profileId());
        CalibratedModel model = new CalibratedModel(gpu, cal);
        String scenario = same ? "same-gpu" : "cross-gpu";
        Pairing pair =
            new Pairing(
                rows, scenario, fitted, target, model, key -> !same || split.isHeldOut(key));
        pair.add("gemm", target.gemm(), Rows.Gemm::key, RowOps::gemmOp, Rows.Gemm::seconds);
        pair.add(
            "attention",
            target.attention(),
            Rows.Attention::key,
            r -> RowOps.attentionOp(r, AttentionKernel.SPLIT_K),
            Rows.Attention::seconds);
        pair.add(
            "sdpa-flash",
            target.attention().stream().filter(r -> !Double.isNaN(r.sdpaFlashSeconds())).toList(),
            Rows.Attention::key,
            r -> RowOps.attentionOp(r, AttentionKernel.SDPA_FLASH),
            Rows.Attention::sdpaFlashSeconds);
        pair.add("mla", target.mla(), Rows.Mla::key, RowOps::mlaOp, Rows.Mla::seconds);
        if (!fitted.collectives().isEmpty()) {
          pair.add(
              "collective",
              target.collectives(),
              Rows.Collective::key,
              RowOps::collectiveOp,
              Rows.Collective::seconds);
        }
        if (!fitted.decodeSteps().isEmpty()) {
          for (Rows.DecodeStep s : target.decodeSteps()) {
            double pred =
                new StepModel(RowOps.decodeStepConfig(s), model).seconds(RowOps.decodeStep(s));
            steps.add(
                new StepRow(
                    target.profileId(),
                    fitted.profileId(),
                    s.model(),
                    s.batch(),
                    s.context(),
                    split.isHeldOut(s.key()),
                    s.seconds(),
                    pred,
                    pred / s.seconds() - 1));
          }
        }
      }
    }
    return new AccuracyReport(rows, steps);
  }

  /**
   * Families a GPU lacks (NCCL on one GPU only) are fitted on the training rows of the GPUs that
   * have them, so a GPU's calibration is complete without seeing any held-out row.
   */
  private static GpuCalibration fallbackFor(
      List<Measurements> data, Measurements m, HeldOutSplit split) {
    boolean lacks = m.collectives().isEmpty() || m.decodeSteps().isEmpty();
    if (!lacks || data.size() < 2) {
      return null;
    }
    List<Measurements> others = data.stream().filter(o -> o != m).toList();
    try {
      return new CalibrationFitter(others, split::isTraining).fit("others-train", null);
    } catch (IllegalStateException e) {
      return null;
    }
  }

  static HeldOutSplit split(List<Measurements> data, long seed) {
    Map<String, List<String>> families = new HashMap<>();
    for (Measurements m : data) {
      keys(families, "gemm", m.gemm(), Rows.Gemm::key);
      keys(families, "attention", m.attention(), Rows.Attention::key);
      keys(families, "mla", m.mla(), Rows.Mla::key);
      keys(families, "collective", m.collectives(), Rows.Collective::key);
      keys(families, "step", m.decodeSteps(), Rows.DecodeStep::key);
    }
    return HeldOutSplit.of(seed, families.values());
  }

  /** Adds the keys of {@code rows} to {@code family}'s list (made at its first key). */
  private static <T> void keys(
      Map<String, List<String>> families, String family, List<T> rows, Function<T, String> key) {
    if (rows.isEmpty()) {
      return;
    }
    List<String> keys = families.computeIfAbsent(family, k -> new ArrayList<>());
    rows.forEach(r -> keys.add(key.apply(r)));
  }

  /**
   * One calibration ({@code fitted}'s) predicting one GPU's rows ({@code target}'s) in one
   * scenario: {@link #add} puts a row of error percentiles per family into {@code out}.
   */
  private record Pairing(
      List<Row> out,
      String scenario,
      Measurements fitted,
      Measurements target,
      CalibratedModel model,
      Function<String, Boolean> take) {

    /**
     * The |error| of {@code model}'s time for each row's op against {@code measured} over the rows
     * whose key the scenario takes, as a row of {@code family}; nothing when no row is taken.
     */
    <T> void add(
        String family,
        List<T> rows,
        Function<T, String> key,
        Function<T, Op> op,
        ToDoubleFunction<T> measured) {
      double[] errors =
          rows.stream()
              .filter(r -> take.apply(key.apply(r)))
              .mapToDouble(
                  r ->
                      Math.abs(
                          model.predict(op.apply(r)).seconds() / measured.applyAsDouble(r) - 1))
              .toArray();
      if (errors.length == 0) {
        return;
      }
      out.add(
          new Row(
              family,
              scenario,
              fitted.profileId(),
              target.profileId(),
              errors.length,
              Stats.percentile(errors, 0.5),
              Stats.percentile(errors, 0.9),
              Stats.max(errors)));
    }
  }

  /** The table as Markdown, for notes and reports. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    table(
        sb,
        "| family | scenario | calibrated on | predicted | n | median | p90 | max |",
        "| %s | %s | %s | %s | %d | %.1f%% | %.1f%% | %.1f%% |%n",
        rows.stream().map(Row::cells).toList());
    sb.append('\n');
    table(
        sb,
        "| gpu | calibrated on | batch | context | held out | measured ms | predicted ms | error |",
        "| %s | %s | %d | %d | %s | %.3f | %.3f | %+.1f%% |%n",
        decodeSteps.stream()
            .map(
                s ->
                    new Object[] {
                      s.gpu(),
                      s.calibratedOn(),
                      s.batch(),
                      s.context(),
                      s.heldOut() ? "yes" : "no",
                      1e3 * s.measuredSeconds(),
                      1e3 * s.predictedSeconds(),
                      100 * s.error()
                    })
            .toList());
    return sb.toString();
  }

  /** A Markdown table of eight columns: {@code header}, then each row's cells by {@code format}. */
  private static void table(StringBuilder sb, String header, String format, List<Object[]> rows) {
    sb.append(header).append('\n');
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Object[] r : rows) {
      sb.append(String.format(java.util.Locale.ROOT, format, r));
    }
  }
}
