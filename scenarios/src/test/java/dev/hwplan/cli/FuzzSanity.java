package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a sane answer looks like: every number finite, no negative sizes, times or counts, and the
 * identities each command's numbers obey (checked in exact integers, so that a wrapped long shows).
 */
final class FuzzSanity {
  private FuzzSanity() {}

  private static final Pattern NON_NEGATIVE =
      Pattern.compile(
          "(?i).*(bytes|seconds|params|flops|tokens|blocks|sequences|context|batch|gpus|hours"
              + "|cost|count|layers|heads|dim|size|prompt|output|rounds|runs)$");

  /** Fields that may be negative by design. */
  private static final List<String> SIGNED = List.of("kvBudgetBytes", "logResidual");

  /** Non-finite numbers (as numbers or as Jackson's "NaN"/"Infinity" strings) and negatives. */
  static List<String> generic(JsonNode j) {
    List<String> problems = new ArrayList<>();
    walk(j, "", problems);
    return problems;
  }

  private static void walk(JsonNode n, String path, List<String> problems) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        walk(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), problems);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        walk(n.get(i), path + "[" + i + "]", problems);
      }
    } else if (n.isTextual()) {
      String t = n.asText();
      if (t.equals("NaN") || t.equals("Infinity") || t.equals("-Infinity")) {
        problems.add(path + " = " + t);
      }
    } else if (n.isNumber()) {
      double v = n.asDouble();
      if (!Double.isFinite(v)) {
        problems.add(path + " = " + v);
      }
      String field = path.replaceAll(".*\\.", "").replaceAll("\\[\\d+]$", "");
      if (v < 0 && NON_NEGATIVE.matcher(field).matches() && !SIGNED.contains(field)) {
        problems.add(path + " = " + n + " is negative");
      }
    }
  }

  private static BigInteger big(JsonNode j, String field) {
    JsonNode n = j.get(field);
    return n == null ? BigInteger.valueOf(-1) : n.bigIntegerValue();
  }

  /** {@code hwplan kv --json}: layer bytes add up to the total, exactly. */
  static List<String> kv(JsonNode j) {
    List<String> p = new ArrayList<>();
    BigInteger batch = big(j, "batch");
    BigInteger context = big(j, "context");
    BigInteger sum = BigInteger.ZERO;
    BigInteger perSeq = BigInteger.ZERO;
    for (JsonNode l : j.path("layers")) {
      BigInteger cached = big(l, "cachedTokens");
      BigInteger layer = big(l, "bytesPerToken").multiply(cached);
      if (cached.compareTo(context) > 0 || cached.signum() <= 0) {
        p.add("layer " + l.get("index") + " caches " + cached + " tokens of " + context);
      }
      if (!layer.multiply(batch).equals(big(l, "totalBytes"))) {
        p.add("layer " + l.get("index") + " totalBytes is not bytesPerToken x tokens x batch");
      }
      perSeq = perSeq.add(layer);
      sum = sum.add(big(l, "totalBytes"));
    }
    if (!perSeq.equals(big(j, "bytesPerSequence"))) {
      p.add("bytesPerSequence " + j.get("bytesPerSequence") + " != " + perSeq);
    }
    if (!sum.equals(big(j, "totalBytes"))) {
      p.add("totalBytes " + j.get("totalBytes") + " != sum of layers " + sum);
    }
    return p;
  }

  /** {@code hwplan memory --json}: a sequence costs at least a byte a token; what fits fits. */
  static List<String> memory(JsonNode j) {
    List<String> p = new ArrayList<>();
    BigInteger perSeq = big(j, "bytesPerSequence");
    if (perSeq.compareTo(big(j, "context")) < 0) {
      p.add("bytesPerSequence " + perSeq + " is less than a byte a token");
    }
    if (j.path("fits").asBoolean()
        && perSeq.multiply(big(j, "maxSequences")).compareTo(big(j, "kvBudgetBytes")) > 0) {
      p.add("maxSequences x bytesPerSequence exceeds the KV budget");
    }
    if (big(j, "usableBytes").compareTo(big(j, "capacityBytes")) > 0) {
      p.add("usableBytes exceeds capacityBytes");
    }
    return p;
  }

  /** {@code hwplan infer --json}: positive times, in order. */
  static List<String> infer(JsonNode j) {
    List<String> p = new ArrayList<>();
    double ttft = j.path("ttftSeconds").asDouble(Double.NaN);
    double tpot = j.path("tpotSeconds").asDouble(Double.NaN);
    if (!(ttft > 0) || !(tpot > 0)) {
      p.add("ttft " + ttft + ", tpot " + tpot + " not positive");
    }
    if (!(j.path("e2eSeconds").asDouble() >= ttft)) {
      p.add("e2e below ttft");
    }
    return p;
  }

  /** {@code hwplan predict ... --json}: low <= seconds <= high, all positive. */
  static List<String> predict(JsonNode j) {
    List<String> p = new ArrayList<>();
    for (JsonNode r : j.isArray() ? j : List.of(j)) {
      double s = r.path("seconds").asDouble(Double.NaN);
      if (!(s > 0)
          || !(r.path("lowSeconds").asDouble() <= s)
          || !(s <= r.path("highSeconds").asDouble())) {
        p.add("seconds " + s + " not positive or outside its interval");
      }
    }
    return p;
  }

  /** {@code hwplan models show --json}: 0 < active <= total. */
  static List<String> model(JsonNode j) {
    List<String> p = new ArrayList<>();
    BigInteger total = big(j, "totalParams");
    BigInteger active = big(j, "activeParams");
    if (active.signum() <= 0 || active.compareTo(total) > 0) {
      p.add("activeParams " + active + " not in (0, totalParams " + total + "]");
    }
    return p;
  }
}
