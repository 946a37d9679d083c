package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.fit.Interval;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hwplan scaling ...}: Chinchilla-law loss, compute-optimal allocation, fits and cost. */
@Command(
    name = "scaling",
    description = {
      "Scaling laws: L(N, D) = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022), the",
      "compute-optimal model for a FLOP budget, fits to your own runs, and what training costs."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      ScalingLossCommand.class,
      ScalingOptimalCommand.class,
      ScalingIsoflopCommand.class,
      ScalingReachCommand.class,
      ScalingOvertrainCommand.class,
      ScalingBudgetCommand.class,
      ScalingFitCommand.class
    })
final class ScalingCommand extends CommandGroup {
  /** {@code value} if it is a positive finite number; bad input naming {@code option} otherwise. */
  static double positive(double value, String option) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw InvalidInputException.option(
          option, "must be a positive number, got " + ScalingText.num(value));
    }
    if (value < Double.MIN_NORMAL) {
      throw InvalidInputException.option(
          option, "must be at least 2.2e-308 (a normal double), got " + value);
    }
    return value;
  }

  /**
   * {@code value} (a quantity derived from the inputs, named {@code what}) if it is a positive
   * finite number; otherwise the inputs are beyond what a double holds (1.8e308, or below
   * 2.2e-308), and the refusal names every number the user gave.
   */
  static double computable(double value, String what, CommandSpec spec) {
    if (!(value >= Double.MIN_NORMAL) || !Double.isFinite(value)) {
      throw outOfRange(spec, what + " = " + ScalingText.num(value));
    }
    return value;
  }

  /** Refuses a result that holds a number that is not finite (see {@link #computable}). */
  static void requireFinite(Object result, CommandSpec spec) {
    String bad = nonFinite(result, "");
    if (bad != null) {
      throw outOfRange(spec, bad);
    }
  }

  private static String nonFinite(Object o, String path) {
    if (o instanceof Double d && !Double.isFinite(d)) {
      return path + " = " + d;
    }
    if (o instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        String bad =
            nonFinite(e.getValue(), path.isEmpty() ? "" + e.getKey() : path + "." + e.getKey());
        if (bad != null) {
          return bad;
        }
      }
    }
    if (o instanceof java.util.List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        String bad = nonFinite(l.get(i), path + "[" + i + "]");
        if (bad != null) {
          return bad;
        }
      }
    }
    return null;
  }

  private static InvalidInputException outOfRange(CommandSpec spec, String what) {
    return InvalidInputException.option(
        givenNumbers(spec),
        "these values give "
            + what
            + ", beyond the range of a double (about 2.2e-308 to 1.8e308); give values nearer"
            + " to real models and budgets");
  }

  /** The numeric options on the command line, with their values as typed. */
  private static String givenNumbers(CommandSpec spec) {
    picocli.CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    java.util.List<String> given = new java.util.ArrayList<>();
    if (pr != null) {
      for (picocli.CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
        Class<?> t = o.type();
        boolean numeric =
            Number.class.isAssignableFrom(t)
                || t == double.class
                || t == long.class
                || t == int.class
                || java.util.List.class.isAssignableFrom(t);
        if (numeric) {
          given.add(o.longestName() + " " + String.join(",", o.originalStringValues()));
        }
      }
    }
    return given.isEmpty() ? "command line" : String.join(", ", given);
  }

  /** Intervals of each named quantity over the fit's bootstrap samples; empty without samples. */
  static Map<String, Interval> intervals(
      SelectedFit fit, Map<String, ToDoubleFunction<ChinchillaLaw>> quantities) {
    Map<String, Interval> out = new LinkedHashMap<>();
    if (!fit.hasSamples()) {
      return out;
    }
    for (var e : quantities.entrySet()) {
      double[] v = fit.samples().stream().mapToDouble(e.getValue()).toArray();
      out.put(e.getKey(), Interval.of(v, fit.confidence()));
    }
    return out;
  }

  /**
   * The compute-optimal allocation at {@code flops} as quantities of a law (params, tokens, with
   * {@code tokensPerParam} the ratio, and loss), for intervals over a fit's samples.
   */
  static Map<String, ToDoubleFunction<ChinchillaLaw>> optimum(
      double flops, boolean tokensPerParam) {
    Map<String, ToDoubleFunction<ChinchillaLaw>> q = new LinkedHashMap<>();
    q.put("params", l -> l.optimalParams(flops));
    q.put("tokens", l -> l.optimalTokens(flops));
    if (tokensPerParam) {
      q.put("tokensPerParam", l -> l.optimalTokens(flops) / l.optimalParams(flops));
    }
    q.put("loss", l -> l.frontierLoss(flops));
    return q;
  }

  /** {@link #intervals}, also put in {@code result} under {@code intervals}, as JSON objects. */
  static Map<String, Interval> putIntervals(
      Map<String, Object> result,
      SelectedFit fit,
      Map<String, ToDoubleFunction<ChinchillaLaw>> quantities) {
    Map<String, Interval> intervals = intervals(fit, quantities);
    result.put("intervals", json(intervals));
    return intervals;
  }

  /**
   * The end of a scaling command's answer: every number of {@code result} finite (else bad input,
   * {@link #requireFinite}), then, with {@code --json}, {@code result} printed (returns true).
   */
  static boolean printedJson(JsonOutput json, CommandSpec spec, Object result) {
    requireFinite(result, spec);
    return json.printed(spec, result);
  }

  /** Intervals as JSON objects. */
  static Map<String, Object> json(Map<String, Interval> intervals) {
    Map<String, Object> out = new LinkedHashMap<>();
    intervals.forEach((k, v) -> out.put(k, ScalingText.json(v)));
    return out;
  }

  /** Intervals for people, one a line. */
  static void print(java.io.PrintWriter out, Map<String, Interval> intervals) {
    intervals.forEach(
        (k, v) ->
            out.printf(
                java.util.Locale.ROOT,
                "  %-16s %s%n",
                k,
                ScalingText.range(v, ScalingText.format(k))));
  }

  /** The head of every scaling answer: which fit, and where it comes from. */
  static Map<String, Object> head(SelectedFit fit) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fit", fit.name());
    m.put("fitReference", fit.reference());
    ScalingText.putConstants(m, fit.law());
    return m;
  }
}
