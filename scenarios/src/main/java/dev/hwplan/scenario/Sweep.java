package dev.hwplan.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a study's fields into the points to evaluate. Any field can be swept:
 *
 * <ul>
 *   <li>a scalar is one value: {@code context: 32768};
 *   <li>a list is its values: {@code tp: [1, 2, 4, 8]};
 *   <li>a range is a map: {@code {from: 1024, to: 131072, times: 2}} (geometric), {@code {from: 1,
 *       to: 8, step: 1}} (arithmetic), or {@code {from: 1e21, to: 1e25, points: 9}} (log-spaced,
 *       both ends included).
 * </ul>
 *
 * Several swept fields form a cartesian product, the first field varying slowest, so the points
 * come out in a fixed order. A sweep larger than {@link #MAX_POINTS} is refused.
 */
public final class Sweep {
  /** The most points one study may have. */
  public static final int MAX_POINTS = 1_000_000;

  private Sweep() {}

  /** The values one field takes. */
  public static List<JsonNode> values(YamlDoc doc, String pointer, JsonNode v) {
    if (v.isArray()) {
      if (v.isEmpty()) {
        throw doc.error(pointer, "an empty list sweeps nothing; give at least one value");
      }
      List<JsonNode> out = new ArrayList<>();
      v.forEach(out::add);
      return out;
    }
    if (v.isObject() && v.has("from")) {
      return range(doc, pointer, v);
    }
    return List.of(v);
  }

  private static List<JsonNode> range(YamlDoc doc, String pointer, JsonNode v) {
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!List.of("from", "to", "step", "times", "points").contains(k)) {
        throw doc.error(
            pointer + "/" + k,
            "unknown range key '" + k + "' (known: from, to, step, times, points)");
      }
    }
    double from = number(doc, pointer + "/from", v.get("from"));
    if (!v.has("to")) {
      throw doc.error(pointer, "a range needs 'to' as well as 'from'");
    }
    double to = number(doc, pointer + "/to", v.get("to"));
    int ways = (v.has("step") ? 1 : 0) + (v.has("times") ? 1 : 0) + (v.has("points") ? 1 : 0);
    if (ways != 1) {
      throw doc.error(
          pointer,
          "a range needs exactly one of 'step' (arithmetic), 'times' (geometric) or 'points' (log-spaced)");
    }
    if (to < from) {
      throw doc.error(pointer + "/to", "must not be below 'from' (" + from + ")");
    }
    boolean integral = isIntegral(v.get("from")) && isIntegral(v.get("to"));
    List<Double> xs = new ArrayList<>();
    if (v.has("step")) {
      double step = number(doc, pointer + "/step", v.get("step"));
      if (!(step > 0)) {
        throw doc.error(pointer + "/step", "must be positive");
      }
      integral &= isIntegral(v.get("step"));
      long n = (long) Math.floor((to - from) / step + 1e-9) + 1;
      check(doc, pointer, n);
      for (long i = 0; i < n; i++) {
        xs.add(from + i * step);
      }
    } else if (v.has("times")) {
      double f = number(doc, pointer + "/times", v.get("times"));
      if (!(f > 1)) {
        throw doc.error(pointer + "/times", "must be above 1 to grow from 'from' to 'to'");
      }
      if (!(from > 0)) {
        throw doc.error(pointer + "/from", "must be positive for a geometric range");
      }
      long n = (long) Math.floor(Math.log(to / from) / Math.log(f) + 1e-9) + 1;
      check(doc, pointer, n);
      for (long i = 0; i < n; i++) {
        xs.add(from * Math.pow(f, i));
      }
      integral &= isIntegral(v.get("times"));
    } else {
      JsonNode pn = v.get("points");
      if (!pn.canConvertToInt() || !isIntegral(pn) || pn.asInt() < 2) {
        throw doc.error(pointer + "/points", "must be a whole number of at least 2");
      }
      int n = pn.asInt();
      check(doc, pointer, n);
      if (!(from > 0)) {
        throw doc.error(pointer + "/from", "must be positive for log-spaced points");
      }
      for (int i = 0; i < n; i++) {
        xs.add(from * Math.pow(to / from, i / (double) (n - 1)));
      }
      integral = false;
    }
    List<JsonNode> out = new ArrayList<>(xs.size());
    for (double x : xs) {
      out.add(integral ? LongNode.valueOf(Math.round(x)) : DoubleNode.valueOf(x));
    }
    return out;
  }

  private static void check(YamlDoc doc, String pointer, long n) {
    if (n > MAX_POINTS) {
      throw doc.error(pointer, "a range of " + n + " values is more than " + MAX_POINTS);
    }
  }

  private static boolean isIntegral(JsonNode n) {
    return n.isIntegralNumber() || (n.isTextual() && n.asText().trim().matches("-?\\d+"));
  }

  private static double number(YamlDoc doc, String pointer, JsonNode n) {
    if (n != null && n.isNumber()) {
      return n.asDouble();
    }
    if (n != null && n.isTextual()) {
      try {
        return Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw doc.error(
        pointer, "must be a number, got '" + (n == null ? "nothing" : n.asText()) + "'");
  }

  /**
   * The cartesian product of every field's values, first field slowest.
   *
   * @param base pointer of the object that holds the fields
   * @param fields field name to its node, in file order
   */
  public static List<Map<String, JsonNode>> expand(
      YamlDoc doc, String base, Map<String, JsonNode> fields) {
    List<String> names = new ArrayList<>(fields.keySet());
    List<List<JsonNode>> axes = new ArrayList<>();
    long total = 1;
    for (String name : names) {
      List<JsonNode> vs = values(doc, base + "/" + name, fields.get(name));
      axes.add(vs);
      total *= vs.size();
      if (total > MAX_POINTS) {
        throw doc.error(base, "the sweep has more than " + MAX_POINTS + " points");
      }
    }
    List<Map<String, JsonNode>> out = new ArrayList<>((int) total);
    int[] idx = new int[names.size()];
    for (long p = 0; p < total; p++) {
      Map<String, JsonNode> point = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        point.put(names.get(i), axes.get(i).get(idx[i]));
      }
      out.add(point);
      for (int i = names.size() - 1; i >= 0; i--) {
        if (++idx[i] < axes.get(i).size()) {
          break;
        }
        idx[i] = 0;
      }
    }
    return out;
  }
}
