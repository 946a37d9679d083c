package dev.hwplan.scenario.study;

import dev.hwplan.perf.calibration.AccuracyReport;
import dev.hwplan.perf.calibration.ValidationAccuracy;
import dev.hwplan.report.ReportChart;
import dev.hwplan.report.charts.ChartStyle;
import dev.hwplan.scenario.Point;
import dev.hwplan.scenario.StudyContext;
import dev.hwplan.scenario.StudyResult;
import dev.hwplan.scenario.StudySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * How well the calibrated GPU model predicts the committed H100 and H200 measurements on shapes it
 * was not fitted to ({@link AccuracyReport}): median and 90th-percentile error per op family and
 * GPU, across GPUs, and whole Llama-3.1-8B decode steps predicted against PyTorch, log-log; then
 * the frozen model's scores on files measured after the freeze ({@link ValidationAccuracy}: prefill
 * attention, the MoE experts' GEMMs, whole steps), against issue 15's targets. No fields.
 */
public final class AccuracyStudy extends StudyBase<AccuracyReport> {
  /** The study, with the fields it reads and their defaults. */
  public AccuracyStudy() {
    super("accuracy");
  }

  @Override
  public AccuracyReport evaluate(Point p, StudyContext ctx) {
    return AccuracyReport.bundled();
  }

  @Override
  public StudyResult finish(
      StudySpec spec, List<Point> points, List<AccuracyReport> results, StudyContext ctx) {
    AccuracyReport a = results.get(0);
    Tables t =
        new Tables(spec.id())
            .text("family")
            .text("scenario")
            .text("calibratedOn")
            .text("predicted")
            .whole("shapes")
            .real("medianErrorPct")
            .real("p90ErrorPct")
            .real("maxErrorPct");
    Findings f = new Findings(spec);
    for (AccuracyReport.Row r : a.rows()) {
      t.row(
          r.family(),
          r.scenario(),
          r.calibratedOn(),
          r.predicted(),
          r.n(),
          100 * r.medianError(),
          100 * r.p90Error(),
          100 * r.maxError());
      f.number(
          String.format(
              Locale.ROOT, "%s.%s.%s.medianError", r.family(), r.scenario(), r.predicted()),
          r.medianError());
    }
    f.chart(
        ReportChart.of(
            spec.id() + "-decode-steps", "Decode steps: predicted against measured", stepChart(a)));
    AccuracyProse.sentences(a.rows()).forEach(f::summary);
    double worstStep =
        a.decodeSteps().stream().mapToDouble(x -> Math.abs(x.error())).max().orElse(Double.NaN);
    f.summary(
        String.format(
            Locale.ROOT,
            "Llama-3.1-8B decode steps against PyTorch: %d steps, largest |error| %.1f%%",
            a.decodeSteps().size(),
            100 * worstStep));
    f.text(String.join(". ", f.summaryLines()) + ".");
    f.table(spec.id(), "Prediction error on held-out measurements", t.build());
    ValidationAccuracy v = ValidationAccuracy.bundled();
    f.text(ValidationTable.text(v));
    f.table(
        spec.id() + "-validation",
        ValidationTable.CAPTION,
        ValidationTable.table(spec.id() + "-validation", v));
    return f.result();
  }

  private static XYChart stepChart(AccuracyReport a) {
    XYChart c =
        ChartStyle.logLog(
            "Llama-3.1-8B decode step: predicted against measured (PyTorch, CUDA graphs)",
            "measured (ms, log scale)",
            "predicted (ms, log scale)");
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    Map<String, List<AccuracyReport.StepRow>> byGpu = new LinkedHashMap<>();
    for (AccuracyReport.StepRow r : a.decodeSteps()) {
      byGpu
          .computeIfAbsent(
              r.gpu() + " (calibrated on " + r.calibratedOn() + ")", k -> new ArrayList<>())
          .add(r);
      lo = Math.min(lo, Math.min(r.measuredSeconds(), r.predictedSeconds()));
      hi = Math.max(hi, Math.max(r.measuredSeconds(), r.predictedSeconds()));
    }
    ChartStyle.limit(
        c.addSeries(
            "predicted = measured",
            new double[] {lo * 1e3 * 0.9, hi * 1e3 * 1.1},
            new double[] {lo * 1e3 * 0.9, hi * 1e3 * 1.1}));
    int slot = 0;
    for (Map.Entry<String, List<AccuracyReport.StepRow>> e : byGpu.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(r -> 1e3 * r.measuredSeconds()).toArray();
      double[] y = e.getValue().stream().mapToDouble(r -> 1e3 * r.predictedSeconds()).toArray();
      ChartStyle.scatter(ChartStyle.slot(c.addSeries(e.getKey(), x, y), slot++));
    }
    return c;
  }
}
