package dev.hwplan.cli;

import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.fit.Interval;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the scaling commands answering from a law ({@code budget}, {@code isoflop}, {@code loss},
 * {@code optimal}, {@code overtrain}, {@code reach}) share: {@code --fit} and {@code --json}; the
 * answer's head (which fit), its intervals over the fit's bootstrap samples, and its end (every
 * number finite, then one JSON object, or text ending in the intervals).
 */
abstract class ScalingLawCommand implements Runnable {
  @Mixin FitOption fitOption;
  @Mixin JsonOutput json;
  @Spec CommandSpec spec;

  /** The chosen fit ({@code --fit}). */
  SelectedFit fit() {
    return fitOption.resolve();
  }

  /** {@link ScalingCommand#computable} for this command's numbers. */
  double computable(double value, String what) {
    return ScalingCommand.computable(value, what, spec);
  }

  /** {@link ScalingCommand#putIntervals} of {@code quantities}, under {@code fit}. */
  Map<String, Interval> intervals(
      Map<String, Object> result,
      SelectedFit fit,
      Map<String, ToDoubleFunction<ChinchillaLaw>> quantities) {
    return ScalingCommand.putIntervals(result, fit, quantities);
  }

  /**
   * The end of the answer in JSON: every number of {@code result} finite (else bad input), then,
   * with {@code --json}, {@code result} printed (returns true); without, nothing (returns false).
   */
  boolean printedJson(Object result) {
    return ScalingCommand.printedJson(json, spec, result);
  }

  /**
   * The end of a tabulated answer in JSON: every number of {@code rows} finite (else bad input),
   * then, with {@code --json}, {@code head} with the rows under {@code key} printed (returns true);
   * without, nothing (returns false).
   */
  boolean printedRows(Map<String, Object> head, String key, List<?> rows) {
    ScalingCommand.requireFinite(rows, spec);
    if (!json.enabled()) {
      return false;
    }
    head.put(key, rows);
    JsonOutput.print(out(), head);
    return true;
  }

  /** Where the text answer goes. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** The end of the text answer: the intervals, one a line, and the flush. */
  void end(PrintWriter out, Map<String, Interval> intervals) {
    ScalingCommand.print(out, intervals);
    out.flush();
  }
}
