package dev.hwplan.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.io.WholeNumbers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Requests from a trace file, read a line at a time as the simulation reaches them (memory does not
 * grow with the file). Two formats, told apart by the extension ({@code .csv}; {@code .jsonl},
 * {@code .ndjson} or {@code .json}) or else by the first character:
 *
 * <pre>
 * # CSV: a header naming the columns, in any order; prefix_id, prefix_tokens, session_id optional
 * arrival_s,prompt_tokens,output_tokens,prefix_id,prefix_tokens,session_id
 * 0.000,812,143,chat-system,400,
 * 0.071,2307,96,,,
 * 0.090,950,80,,,user-17
 *
 * # JSON Lines: one object per line
 * {"arrivalSeconds": 0.0, "promptTokens": 812, "outputTokens": 143, "prefixId": "chat-system",
 *  "prefixTokens": 400}
 * </pre>
 *
 * A prefix id names a shared prefix: its first {@code prefix_tokens} prompt tokens are the same in
 * every request with that id (a system prompt, a retrieved document), so with prefix caching a
 * request finds the blocks another one computed. A session id names a conversation: each of its
 * requests continues the one before (its prompt starts with the previous prompt and output), so a
 * next turn finds the history cached. Either may be empty.
 *
 * <p>Arrival times are seconds from the start, not negative and not decreasing; lengths are
 * positive whole tokens; a request must fit the model's context and the replica's KV cache. Blank
 * lines and lines starting with {@code #} are skipped. Any bad line stops the run as bad input
 * naming the file, the line and the field.
 */
final class TraceSource extends RequestSource {
  /** A decimal number of seconds: digits, a point, an exponent. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final Path file;
  private final long limit;
  private final Workload.Limits limits;
  private final BufferedReader in;
  private final boolean json;
  private int lineNo;
  private int colArrival = -1;
  private int colPrompt = -1;
  private int colOutput = -1;
  private int colPrefixId = -1;
  private int colPrefixTokens = -1;
  private int colSession = -1;
  private int columns;
  private final java.util.Map<String, Integer> prefixIds = new java.util.HashMap<>();
  private final java.util.Map<String, Long> sessions = new java.util.HashMap<>();
  private int nextPrefixStream;
  private int nextPrefix;
  private long nextStream;
  private boolean nextSession;

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
    if (Files.isDirectory(file)) {
      throw InvalidInputException.option("--trace", file + ": a folder, not a trace file");
    }
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
    if (!hasNext) {
      // a header alone (or only comments) would serve nothing and report zeros
      throw new InvalidInputException(file.toString(), "", "the trace holds no requests");
    }
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
        case "prefix_id" -> colPrefixId = i;
        case "prefix_tokens" -> colPrefixTokens = i;
        case "session_id" -> colSession = i;
        default ->
            throw new InvalidInputException(
                file + ":" + lineNo,
                cols[i].strip(),
                "unknown column (known: arrival_s, prompt_tokens, output_tokens, prefix_id,"
                    + " prefix_tokens, session_id)");
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
    String pid;
    String ptk;
    String sid;
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
      pid = optional(n, "prefixId");
      ptk = optional(n, "prefixTokens");
      sid = optional(n, "sessionId");
    } else {
      String[] f = l.split(",", -1);
      if (f.length != columns) {
        throw new InvalidInputException(
            file + ":" + lineNo, "", f.length + " fields where the header has " + columns);
      }
      at = f[colArrival].strip();
      pt = f[colPrompt].strip();
      ot = f[colOutput].strip();
      pid = colPrefixId < 0 ? "" : f[colPrefixId].strip();
      ptk = colPrefixTokens < 0 ? "" : f[colPrefixTokens].strip();
      sid = colSession < 0 ? "" : f[colSession].strip();
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
    if (Double.isFinite(t) && !DECIMAL.matcher(at).matches()) {
      // Java also reads "5f", "5d" and hexadecimal "0x1p3"; a trace's seconds are decimals
      throw new InvalidInputException(file + ":" + lineNo, fa, "'" + at + "' is not a number");
    }
    if (!Double.isFinite(t)) {
      throw new InvalidInputException(
          file + ":" + lineNo, fa, "must be a finite number of seconds, got " + at);
    }
    if (t < 0) {
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
    String fpi = json ? "prefixId" : "prefix_id";
    String fpt = json ? "prefixTokens" : "prefix_tokens";
    nextPrefixStream = 0;
    nextPrefix = 0;
    if (!pid.isEmpty() || !ptk.isEmpty()) {
      if (pid.isEmpty()) {
        throw new InvalidInputException(file + ":" + lineNo, fpi, "missing: " + fpt + " is given");
      }
      if (ptk.isEmpty()) {
        throw new InvalidInputException(
            file + ":" + lineNo, fpt, "missing: how many prompt tokens prefix " + pid + " is");
      }
      int k = tokens(ptk, fpt);
      if (k > p) {
        throw new InvalidInputException(
            file + ":" + lineNo, fpt, "a prefix of " + k + " tokens is longer than the prompt");
      }
      Integer id = prefixIds.get(pid);
      if (id == null) {
        if (prefixIds.size() >= Workload.Sharing.MAX_PREFIXES) {
          throw new InvalidInputException(
              file + ":" + lineNo, fpi, "more than " + Workload.Sharing.MAX_PREFIXES + " ids");
        }
        id = prefixIds.size() + 1;
        prefixIds.put(pid, id);
      }
      nextPrefixStream = id;
      nextPrefix = k;
    }
    nextSession = !sid.isEmpty();
    if (nextSession) {
      Long st = sessions.get(sid);
      if (st == null) {
        st = RequestTable.conversationStream(sessions.size());
        sessions.put(sid, st);
      }
      nextStream = st;
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

  private static String optional(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? "" : v.asText().strip();
  }

  private int tokens(String v, String field) {
    // as the count options read them: 1000, 1e3, 1_000, 1k
    long n;
    WholeNumbers.Result parsed = WholeNumbers.parse(v);
    if (parsed instanceof WholeNumbers.Value w) {
      n = w.value();
    } else if (parsed instanceof WholeNumbers.TooLarge) {
      throw new InvalidInputException(
          file + ":" + lineNo, field, "must be a positive number of tokens, got " + v);
    } else {
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
    long id = issued - 1;
    int s = t.take(id, nextPrompt, nextOutput, nextTime, -1);
    if (nextPrefix > 0 || nextSession) {
      // a session's length is unknown: "turns left" stays positive so routing keeps its affinity
      t.content(
          s,
          nextPrefixStream,
          nextPrefix,
          nextSession ? nextStream : RequestTable.ownStream(id),
          nextSession ? Integer.MAX_VALUE : 0,
          nextSession);
    }
    advance();
    return s;
  }

  @Override
  long issued() {
    return hasNext ? issued - 1 : issued;
  }
}
