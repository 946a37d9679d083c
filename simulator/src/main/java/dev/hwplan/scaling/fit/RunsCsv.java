package dev.hwplan.scaling.fit;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.TextFiles;
import dev.hwplan.scaling.TrainingFlops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads training runs from CSV with a header row. Two layouts: {@code params,tokens,loss}, and
 * Epoch AI's extraction of Hoffmann's Fig. 4 ({@code Model Size,Training FLOP,loss}, other columns
 * ignored), where tokens are D = C/(6N) as in their notebook. Header names match without regard to
 * case, spaces or underscores. Blank lines and lines starting with {@code #} are skipped. Any bad
 * row is an {@link InvalidInputException} naming the file, the line and the column.
 */
public final class RunsCsv {
  /** The columns read, each with the header names (normalised) that mean it. */
  private enum Column {
    PARAMS("params", "parameters", "n", "modelsize"),
    TOKENS("tokens", "d", "trainingtokens"),
    FLOPS("flops", "flop", "trainingflop", "trainingflops"),
    LOSS("loss", "finalloss");

    private final List<String> names;

    Column(String... names) {
      this.names = List.of(names);
    }
  }

  private static final Map<String, Column> ALIASES = aliases();

  private static Map<String, Column> aliases() {
    Map<String, Column> out = new HashMap<>();
    for (Column c : Column.values()) {
      c.names.forEach(n -> out.put(n, c));
    }
    return Map.copyOf(out);
  }

  private RunsCsv() {}

  /** Reads {@code file}. */
  public static List<ScalingRun> read(Path file) {
    String name = file.toString();
    String text = TextFiles.read(file);
    try {
      return parse(new StringReader(text), name);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  /** Parses CSV text; {@code source} names it in messages. */
  public static List<ScalingRun> parse(Reader reader, String source) throws IOException {
    BufferedReader in = new BufferedReader(reader);
    int[] index = null;
    String[] header = null;
    List<ScalingRun> runs = new ArrayList<>();
    int lineNo = 0;
    for (String line; (line = in.readLine()) != null; ) {
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> fields = split(line);
      if (index == null) {
        header = fields.toArray(String[]::new);
        index = columns(header, source, lineNo);
        continue;
      }
      runs.add(row(fields, header, index, source, lineNo));
    }
    if (index == null) {
      throw new InvalidInputException(source, "", "the file is empty (expected a header row)");
    }
    if (runs.isEmpty()) {
      throw new InvalidInputException(source, "", "no data rows after the header");
    }
    return List.copyOf(runs);
  }

  private static int[] columns(String[] header, String source, int lineNo) {
    int[] index = {-1, -1, -1, -1};
    for (int i = 0; i < header.length; i++) {
      String key = header[i].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
      Column c = ALIASES.get(key);
      if (c != null && index[c.ordinal()] < 0) {
        index[c.ordinal()] = i;
      }
    }
    String where = source + ", line " + lineNo;
    if (index[Column.PARAMS.ordinal()] < 0 || index[Column.LOSS.ordinal()] < 0) {
      throw new InvalidInputException(
          where,
          "header",
          "need columns params,tokens,loss (or Epoch's Model Size,Training FLOP,loss), got "
              + String.join(",", header));
    }
    if (index[Column.TOKENS.ordinal()] < 0 && index[Column.FLOPS.ordinal()] < 0) {
      throw new InvalidInputException(
          where,
          "header",
          "need a tokens column or a Training FLOP column, got " + String.join(",", header));
    }
    return index;
  }

  private static ScalingRun row(
      List<String> fields, String[] header, int[] index, String source, int lineNo) {
    String where = source + ", line " + lineNo;
    double params = number(fields, header, index[Column.PARAMS.ordinal()], where);
    double loss = number(fields, header, index[Column.LOSS.ordinal()], where);
    double tokens;
    if (index[Column.TOKENS.ordinal()] >= 0) {
      tokens = number(fields, header, index[Column.TOKENS.ordinal()], where);
    } else {
      tokens =
          TrainingFlops.tokens(
              number(fields, header, index[Column.FLOPS.ordinal()], where), params);
    }
    return new ScalingRun(params, tokens, loss, lineNo);
  }

  private static double number(List<String> fields, String[] header, int i, String where) {
    String column = header[i].strip();
    if (i >= fields.size()) {
      throw new InvalidInputException(
          where,
          column,
          "missing value (the row has "
              + fields.size()
              + " columns, the header "
              + header.length
              + ")");
    }
    String text = fields.get(i).strip();
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(where, column, "cannot read '" + text + "' as a number");
    }
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new InvalidInputException(
          where, column, "must be a positive finite number, got " + text);
    }
    return v;
  }

  /** Splits one CSV line; double quotes group a field and "" inside quotes is a quote. */
  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
