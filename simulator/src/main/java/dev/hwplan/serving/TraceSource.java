package dev.hwplan.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Requests from a trace file, read a line at a time as the simulation reaches them (memory does not
 * grow with the file). Two formats, told apart by the extension ({@code .csv}; {@code .jsonl},
 * {@code .ndjson} or {@code .json}) or else by the first character:
 *
 * <pre>
 * # CSV: a header naming the columns, in any order; prefix_id is optional
 * arrival_s,prompt_tokens,output_tokens,prefix_id
 * 0.000,812,143,chat-system
 * 0.071,2307,96,
 *
 * # JSON Lines: one object per line
 * {"arrivalSeconds": 0.0, "promptTokens": 812, "outputTokens": 143, "prefixId": "chat-system"}
 * </pre>
 *
 * Arrival times are seconds from the start, not negative and not decreasing; lengths are positive
 * whole tokens; a request must fit the model's context and the replica's KV cache. Blank lines and
 * lines starting with {@code #} are skipped. The prefix id is accepted and not used (the simulator
 * has no prefix cache yet). Any bad line stops the run as bad input naming the file, the line and
 * the field.
 */
final class TraceSource extends RequestSource {
  private final Path file;
  private final long limit;
  private final Workload.Limits limits;
  private final BufferedReader in;
  private final boolean json;
  private int lineNo;
  private int colArrival = -1;
  private int colPrompt = -1;
  private int colOutput = -1;
  private int columns;

  private boolean hasNext;
  private double nextTime;
  private int nextPrompt;
  private int nextOutput;
  private double lastTime;
  private long issued;

  TraceSource(Path file, long limit, Workload.Limits limits) {
    this.file = file;
    this.limit = limit;
    this.limits = limits;
    if (!Files.isRegularFile(file)) {
      throw InvalidInputException.option("--trace", file + ": no such file");
    }
    try {
      this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw InvalidInputException.option("--trace", file + ": cannot read: " + e.getMessage());
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean js;
    if (name.endsWith(".csv")) {
      js = false;
    } else if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      js = true;
    } else {
      js = firstCharIsBrace(file);
    }
    this.json = js;
    if (!json) {
      readHeader();
    }
    advance();
  }

  private static boolean firstCharIsBrace(Path f) {
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String l;
      while ((l = r.readLine()) != null) {
        String t = l.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          return t.startsWith("{");
        }
      }
      return false;
    } catch (IOException e) {
      throw InvalidInputException.option("--trace", f + ": cannot read: " + e.getMessage());
    }
  }

  private String nextLine() {
    try {
      String l;
      while ((l = in.readLine()) != null) {
        lineNo++;
        String t = l.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          return t;
        }
      }
      in.close();
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readHeader() {
    String h = nextLine();
    if (h == null) {
      throw new InvalidInputException(file.toString(), "", "the trace holds no requests");
    }
    String[] cols = h.split(",", -1);
    columns = cols.length;
    for (int i = 0; i < cols.length; i++) {
      switch (cols[i].strip().toLowerCase(Locale.ROOT)) {
        case "arrival_s" -> colArrival = i;
        case "prompt_tokens" -> colPrompt = i;
        case "output_tokens" -> colOutput = i;
        case "prefix_id" -> {}
        default ->
            throw new InvalidInputException(
                file + ":" + lineNo,
                cols[i].strip(),
                "unknown column (known: arrival_s, prompt_tokens, output_tokens, prefix_id)");
      }
    }
    for (String[] c :
        new String[][] {
          {"arrival_s", String.valueOf(colArrival)},
          {"prompt_tokens", String.valueOf(colPrompt)},
          {"output_tokens", String.valueOf(colOutput)}
        }) {
      if (c[1].equals("-1")) {
        throw new InvalidInputException(file + ":" + lineNo, c[0], "missing column in the header");
      }
    }
  }

  private void advance() {
    hasNext = false;
    if (limit >= 0 && issued >= limit) {
      return;
    }
    String l = nextLine();
    if (l == null) {
      return;
    }
    String at;
    String pt;
    String ot;
    if (json) {
      JsonNode n;
      try {
        n = StrictMapper.json().readTree(l);
      } catch (JsonProcessingException e) {
        throw new InvalidInputException(file + ":" + lineNo, "", "not a JSON object");
      }
      if (n == null || !n.isObject()) {
        throw new InvalidInputException(file + ":" + lineNo, "", "not a JSON object");
      }
      at = text(n, "arrivalSeconds");
      pt = text(n, "promptTokens");
      ot = text(n, "outputTokens");
    } else {
      String[] f = l.split(",", -1);
      if (f.length != columns) {
        throw new InvalidInputException(
            file + ":" + lineNo, "", f.length + " fields where the header has " + columns);
      }
      at = f[colArrival].strip();
      pt = f[colPrompt].strip();
      ot = f[colOutput].strip();
    }
    String fa = json ? "arrivalSeconds" : "arrival_s";
    String fp = json ? "promptTokens" : "prompt_tokens";
    String fo = json ? "outputTokens" : "output_tokens";
    double t;
    try {
      t = Double.parseDouble(at);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(file + ":" + lineNo, fa, "'" + at + "' is not a number");
    }
    if (!(t >= 0) || !Double.isFinite(t)) {
      throw new InvalidInputException(
          file + ":" + lineNo, fa, "arrival times must not be negative, got " + at);
    }
    if (issued > 0 && t < lastTime) {
      throw new InvalidInputException(
          file + ":" + lineNo,
          fa,
          "arrival times must not decrease (" + at + " after " + lastTime + ")");
    }
    int p = tokens(pt, fp);
    int o = tokens(ot, fo);
    if ((long) p + o > limits.context()) {
      throw new InvalidInputException(
          file + ":" + lineNo,
          fp,
          "a prompt of "
              + p
              + " plus "
              + o
              + " output tokens is longer than the model's context of "
              + limits.context());
    }
    if ((long) p + o > limits.kvTokens()) {
      throw new InvalidInputException(
          file + ":" + lineNo,
          fp,
          "a request of "
              + ((long) p + o)
              + " tokens needs more KV cache than a replica has ("
              + limits.kvTokens()
              + " tokens)");
    }
    hasNext = true;
    nextTime = t;
    nextPrompt = p;
    nextOutput = o;
    lastTime = t;
    issued++;
  }

  private String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new InvalidInputException(file + ":" + lineNo, key, "missing");
    }
    return v.asText();
  }

  private int tokens(String v, String field) {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          file + ":" + lineNo, field, "'" + v + "' is not a whole number of tokens");
    }
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          file + ":" + lineNo, field, "must be a positive number of tokens, got " + v);
    }
    return (int) n;
  }

  @Override
  double peek() {
    return hasNext ? nextTime : Double.POSITIVE_INFINITY;
  }

  @Override
  int take(RequestTable t) {
    int s = t.take(issued - 1, nextPrompt, nextOutput, nextTime, -1);
    advance();
    return s;
  }

  @Override
  long issued() {
    return hasNext ? issued - 1 : issued;
  }
}
