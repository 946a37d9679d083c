package dev.hwplan.cli;

import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.fit.Bootstrap;
import dev.hwplan.scaling.fit.ChinchillaFitter;
import dev.hwplan.scaling.fit.HuberLogLoss;
import dev.hwplan.scaling.fit.Interval;
import dev.hwplan.scaling.fit.PointFit;
import dev.hwplan.scaling.fit.ScalingRun;
import dev.hwplan.scenario.study.FitStudy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/** How a fit is shown: a JSON object, or text for people. */
final class FitView {
  private FitView() {}

  static Map<String, Object> of(
      PointFit fit, List<ScalingRun> runs, int dropped, Bootstrap boot, double confidence) {
    ChinchillaLaw l = fit.law();
    Map<String, Object> m = new LinkedHashMap<>();
    ScalingText.putConstants(m, l);
    m.put("paramsExponent", l.paramsExponent());
    m.put("tokensExponent", l.tokensExponent());
    m.put("objective", fit.objective());
    m.put("runs", runs.size());
    m.put("droppedHighestLoss", dropped);
    m.put("delta", HuberLogLoss.DEFAULT_DELTA);
    m.put("optimizer", "L-BFGS (hwplan LbfgsOptimizer on Commons Math 3.6.1), analytic gradient");
    m.put("kernel", HuberLogLoss.kernel());
    m.put("starts", fit.starts());
    m.put("convergedStarts", fit.converged());
    m.put("evaluations", fit.evaluations());
    m.put("residuals", residuals(runs, l));
    Map<String, Object> b = new LinkedHashMap<>();
    Map<String, Object> iv = new LinkedHashMap<>();
    if (boot != null) {
      b.put("rounds", boot.rounds());
      b.put("seed", boot.seed());
      b.put("failures", boot.failures());
      b.put("unidentified", boot.unidentified());
      b.put("confidence", confidence);
      if (boot.undetermined() == null) {
        quantities().forEach((k, f) -> iv.put(k, ScalingText.json(boot.interval(f, confidence))));
      } else {
        b.put("intervalsUndetermined", boot.undetermined());
      }
    } else {
      b.put("rounds", 0);
    }
    m.put("bootstrap", b);
    m.put("intervals", iv);
    return m;
  }

  static Map<String, ToDoubleFunction<ChinchillaLaw>> quantities() {
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = FitStudy.parameters();
    q.put("paramsExponent", ChinchillaLaw::paramsExponent);
    q.put("tokensExponent", ChinchillaLaw::tokensExponent);
    return q;
  }

  private static Map<String, Object> residuals(List<ScalingRun> runs, ChinchillaLaw law) {
    double[] r = ChinchillaFitter.logResiduals(runs, law);
    double ss = 0;
    double max = 0;
    List<Object> points = new ArrayList<>();
    for (int i = 0; i < r.length; i++) {
      ss += r[i] * r[i];
      max = Math.max(max, Math.abs(r[i]));
      ScalingRun run = runs.get(i);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("line", run.line());
      p.put("params", run.params());
      p.put("tokens", run.tokens());
      p.put("loss", run.loss());
      p.put("predictedLoss", law.loss(run.params(), run.tokens()));
      p.put("logResidual", r[i]);
      points.add(p);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rmsLog", Math.sqrt(ss / r.length));
    m.put("maxAbsLog", max);
    m.put("points", points);
    return m;
  }

  @SuppressWarnings("unchecked")
  static void text(
      PrintWriter out,
      Map<String, Object> m,
      PointFit fit,
      Bootstrap boot,
      double confidence,
      List<Object> extrapolations) {
    ChinchillaLaw l = fit.law();
    out.printf(
        Locale.ROOT,
        "Fit to %d runs from %s (%d highest-loss left out)%n",
        (Integer) m.get("runs"),
        m.get("data"),
        (Integer) m.get("droppedHighestLoss"));
    out.printf(
        Locale.ROOT,
        "  L(N, D) = %.4f + %.2f/N^%.4f + %.2f/D^%.4f%n",
        l.e(),
        l.a(),
        l.alpha(),
        l.b(),
        l.beta());
    out.printf(
        Locale.ROOT,
        "  Huber objective %.6g; %d/%d starts converged; %.2f s%n",
        fit.objective(),
        fit.converged(),
        fit.starts(),
        (Double) m.get("fitSeconds"));
    Map<String, Object> res = (Map<String, Object>) m.get("residuals");
    out.printf(
        Locale.ROOT,
        "  log residuals: rms %.4f, max |r| %.4f%n",
        (Double) res.get("rmsLog"),
        (Double) res.get("maxAbsLog"));
    List<Map<String, Object>> pts = (List<Map<String, Object>>) res.get("points");
    IntStream.range(0, pts.size())
        .boxed()
        .sorted(
            Comparator.comparingDouble(
                i -> -Math.abs((Double) pts.get((int) i).get("logResidual"))))
        .limit(3)
        .forEach(
            i -> {
              Map<String, Object> p = pts.get(i);
              out.printf(
                  Locale.ROOT,
                  "    worst: line %d, %s params, %s tokens: loss %.4f, predicted %.4f%n",
                  (Integer) p.get("line"),
                  ScalingText.count((Double) p.get("params")),
                  ScalingText.count((Double) p.get("tokens")),
                  (Double) p.get("loss"),
                  (Double) p.get("predictedLoss"));
            });
    if (boot != null && boot.undetermined() != null) {
      out.printf(
          Locale.ROOT,
          "  bootstrap: %d rounds (seed %d, %d failed, %d unidentified), %.2f s%n",
          boot.rounds(),
          boot.seed(),
          boot.failures(),
          boot.unidentified(),
          (Double) m.get("bootstrapSeconds"));
      out.printf(Locale.ROOT, "  %s%n", boot.undetermined());
    } else if (boot != null) {
      out.printf(
          Locale.ROOT,
          "  bootstrap: %d rounds (seed %d, %d failed%s), %.2f s; %.0f%% intervals:%n",
          boot.rounds(),
          boot.seed(),
          boot.failures(),
          boot.unidentified() == 0 ? "" : ", " + boot.unidentified() + " unidentified",
          (Double) m.get("bootstrapSeconds"),
          confidence * 100);
      quantities()
          .forEach(
              (k, f) -> {
                Interval i = boot.interval(f, confidence);
                out.printf(
                    Locale.ROOT,
                    "    %-15s %10.4g  [%.4g, %.4g]  se %.3g%n",
                    k,
                    f.applyAsDouble(l),
                    i.low(),
                    i.high(),
                    i.standardError());
              });
    }
    for (Object o : extrapolations) {
      Map<String, Object> e = (Map<String, Object>) o;
      out.printf(
          Locale.ROOT,
          "  at %s FLOP: %s params, %s tokens, loss %.4f%n",
          ScalingText.flops((Double) e.get("flops")),
          ScalingText.count((Double) e.get("params")),
          ScalingText.count((Double) e.get("tokens")),
          (Double) e.get("loss"));
      Map<String, Object> iv = (Map<String, Object>) e.get("intervals");
      iv.forEach(
          (k, v) -> {
            Map<String, Object> r = (Map<String, Object>) v;
            DoubleFunction<String> f = ScalingText.format(k);
            out.printf(
                Locale.ROOT,
                "    %-15s [%s, %s]%n",
                k,
                f.apply((Double) r.get("low")),
                f.apply((Double) r.get("high")));
          });
    }
    out.flush();
  }
}
