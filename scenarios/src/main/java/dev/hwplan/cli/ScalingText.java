package dev.hwplan.cli;

import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.fit.Interval;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/** Formatting shared by the scaling commands: counts for people, intervals for JSON. */
final class ScalingText {
  private ScalingText() {}

  /** 70.0B, 1.40T, 400M: a count with an SI-style suffix (B for billion). */
  static String count(double v) {
    double a = Math.abs(v);
    if (a >= 1e15) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    if (a >= 1e12) {
      return String.format(Locale.ROOT, "%.2fT", v / 1e12);
    }
    if (a >= 1e9) {
      return String.format(Locale.ROOT, "%.2fB", v / 1e9);
    }
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** FLOP in scientific notation: 1.00e24. */
  static String flops(double v) {
    return String.format(Locale.ROOT, "%.3g", v).replace("e+", "e");
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** An allocation for people: "8.03B params on 1.2T tokens (150.0 tokens/param)". */
  static String split(Allocation a) {
    return String.format(
        Locale.ROOT,
        "%s params on %s tokens (%.1f tokens/param)",
        count(a.params()),
        count(a.tokens()),
        a.tokensPerParam());
  }

  /** An allocation as a JSON object: flops, params, tokens, tokensPerParam, loss. */
  static Map<String, Object> json(Allocation a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("flops", a.flops());
    m.put("params", a.params());
    m.put("tokens", a.tokens());
    m.put("tokensPerParam", a.tokensPerParam());
    m.put("loss", a.loss());
    return m;
  }

  /** Puts the law's five constants in {@code m}: E, A, B, alpha, beta. */
  static void putConstants(Map<String, Object> m, ChinchillaLaw l) {
    m.put("E", l.e());
    m.put("A", l.a());
    m.put("B", l.b());
    m.put("alpha", l.alpha());
    m.put("beta", l.beta());
  }

  /** An interval as a JSON object. */
  static Map<String, Object> json(Interval i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("low", i.low());
    m.put("high", i.high());
    m.put("standardError", i.standardError());
    m.put("confidence", i.confidence());
    return m;
  }

  /**
   * How a scaling quantity reads for people: loss and tokens/param as numbers, others as counts.
   */
  static DoubleFunction<String> format(String quantity) {
    return quantity.equals("loss") || quantity.equals("tokensPerParam")
        ? ScalingText::num
        : ScalingText::count;
  }

  /** An interval for people: [low, high] at 95%. */
  static String range(Interval i, DoubleFunction<String> f) {
    return "["
        + f.apply(i.low())
        + ", "
        + f.apply(i.high())
        + "] ("
        + Math.round(i.confidence() * 100)
        + "%)";
  }
}
