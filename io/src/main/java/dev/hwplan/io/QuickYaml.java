package dev.hwplan.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Start-up: reads the plain YAML that hwplan's bundled GPU profiles are written in, as the tree of
 * Jackson's YAML parser ({@link QuickReader#yamlTree}), without SnakeYAML. Scanning a 3 KB profile
 * with SnakeYAML costs {@code hwplan infer} more CPU time than the estimate itself: the scanner
 * runs interpreted, character by character, on every start.
 *
 * <p>The subset, line by line: block mappings with simple keys, block sequences, one-line flow
 * mappings of plain scalars ({@code {a: 1, b: 2}}), folded strip-chomped block scalars ({@code >-})
 * whose lines share one indentation and hold no blank line, and plain one-line scalars typed as
 * YAML 1.1 types them, read only where the type is certain: decimal integers ({@code 3352}: an int,
 * else a long), decimals with a point ({@code 66.9}), {@code true}, {@code false}, {@code null},
 * and text that starts with a letter or holds a space. Comments after a space. Anything else (a
 * quote, anchor, tag, tab, flow sequence, literal block, multi-line plain scalar, duplicate key, a
 * word such as {@code yes} or {@code off}, a number in another form) throws {@link
 * QuickReader.Unsupported}, and Jackson's parser reads the bytes instead. BundledCatalogTest checks
 * that every bundled profile is read here, equal to Jackson's tree.
 */
public final class QuickYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Plain words that YAML 1.1 reads as booleans or null (compared in lower case). */
  private static final Set<String> WORDS =
      Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

  private final List<String> lines;
  private int at;

  private QuickYaml(List<String> lines) {
    this.lines = lines;
  }

  /**
   * The document's tree.
   *
   * @throws QuickReader.Unsupported where it lies outside the subset
   */
  public static JsonNode tree(byte[] yaml) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(yaml))
              .toString();
    } catch (CharacterCodingException e) {
      throw unsupported("not UTF-8");
    }
    if (text.indexOf('\t') >= 0 || text.indexOf('\r') >= 0 || text.startsWith("\uFEFF")) {
      throw unsupported("tab, carriage return or byte-order mark");
    }
    List<String> lines = new ArrayList<>();
    int from = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      lines.add(text.substring(from, nl));
      from = nl + 1;
    }
    if (from < text.length()) {
      lines.add(text.substring(from));
    }
    QuickYaml r = new QuickYaml(lines);
    r.skipBlank();
    if (r.at == lines.size() || indent(lines.get(r.at)) != 0) {
      throw unsupported("empty document or indented start");
    }
    JsonNode root = r.block(0);
    r.skipBlank();
    if (r.at != lines.size() || !root.isObject()) {
      throw unsupported("content after the top mapping");
    }
    return root;
  }

  private static QuickReader.Unsupported unsupported(String what) {
    return new QuickReader.Unsupported("quick YAML: " + what);
  }

  /** Moves past empty lines and lines that hold only a comment. */
  private void skipBlank() {
    while (at < lines.size()) {
      String s = lines.get(at).strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        return;
      }
      at++;
    }
  }

  private static int indent(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** The mapping or sequence whose first line (the current one) is indented by {@code n}. */
  private JsonNode block(int n) {
    return dash(content(lines.get(at))) ? sequence(n) : mapping(n);
  }

  /** Whether a line's content is a sequence entry. */
  private static boolean dash(String content) {
    return content.equals("-") || content.startsWith("- ");
  }

  /** The next line that holds content, moving past blank ones; null at the end. */
  private String nextLine() {
    skipBlank();
    return at == lines.size() ? null : lines.get(at);
  }

  /** A line without its indentation and its comment, and without trailing spaces. */
  private static String content(String line) {
    String s = line.substring(indent(line));
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '#' && (i == 0 || s.charAt(i - 1) == ' ')) {
        s = s.substring(0, i);
        break;
      }
    }
    return s.stripTrailing();
  }

  private ObjectNode mapping(int n) {
    ObjectNode o = NODES.objectNode();
    while (true) {
      String line = nextLine();
      if (line == null || indent(line) < n) {
        return o;
      }
      String c = content(line);
      if (indent(line) == n && dash(c)) {
        return o; // an entry of a sequence at this indentation
      }
      if (indent(line) > n || c.startsWith("-")) {
        throw unsupported("line " + (at + 1) + ": unexpected indentation");
      }
      int colon = c.indexOf(':');
      if (colon <= 0 || (colon + 1 < c.length() && c.charAt(colon + 1) != ' ')) {
        throw unsupported("line " + (at + 1) + ": not a simple key");
      }
      String key = key(c.substring(0, colon));
      String rest = c.substring(colon + 1).strip();
      at++;
      JsonNode value;
      if (rest.isEmpty()) {
        String next = nextLine();
        if (next != null && indent(next) > n) {
          value = block(indent(next));
        } else if (next != null && indent(next) == n && dash(content(next))) {
          value = sequence(n);
        } else {
          throw unsupported("line " + at + ": empty value");
        }
      } else {
        value = inline(rest, n);
      }
      if (o.putIfAbsent(key, value) != null) {
        throw unsupported("duplicate key " + key);
      }
    }
  }

  private ArrayNode sequence(int n) {
    ArrayNode a = NODES.arrayNode();
    while (true) {
      String line = nextLine();
      if (line == null || indent(line) < n || (indent(line) == n && !dash(content(line)))) {
        return a;
      }
      String c = content(line);
      if (indent(line) > n || c.equals("-")) {
        throw unsupported("line " + (at + 1) + ": unexpected sequence entry");
      }
      String item = c.substring(2);
      int k = indent(item);
      item = item.substring(k);
      if (isMappingEntry(item)) {
        // "- key: value": a mapping whose keys line up with this first key; read the line as if
        // the dash were spaces.
        int column = n + 2 + k;
        lines.set(at, " ".repeat(column) + line.substring(column));
        a.add(mapping(column));
      } else {
        at++;
        a.add(inline(item, n));
      }
    }
  }

  /** Whether {@code s} starts with a simple key and its colon. */
  private static boolean isMappingEntry(String s) {
    int colon = s.indexOf(':');
    return colon > 0
        && (colon + 1 == s.length() || s.charAt(colon + 1) == ' ')
        && s.substring(0, colon).chars().allMatch(QuickYaml::keyChar);
  }

  private static boolean keyChar(int ch) {
    return (ch >= 'a' && ch <= 'z')
        || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9')
        || ch == '_'
        || ch == '-'
        || ch == '.';
  }

  private static String key(String k) {
    if (k.isEmpty()
        || !Character.isLetter(k.charAt(0))
        || !k.chars().allMatch(QuickYaml::keyChar)) {
      throw unsupported("key '" + k + "'");
    }
    return k;
  }

  /**
   * The value that follows a key or a dash on the current line (already consumed), in a node
   * indented by {@code n}: a folded block scalar, a flow mapping or a plain scalar.
   */
  private JsonNode inline(String v, int n) {
    if (v.equals(">-")) {
      return folded(n);
    }
    JsonNode s = v.startsWith("{") ? flowMapping(v) : scalar(v);
    // A more indented line that follows would continue a multi-line scalar.
    int save = at;
    String next = nextLine();
    at = save;
    if (next != null && indent(next) > n) {
      throw unsupported("line " + (at + 1) + ": multi-line plain scalar");
    }
    return s;
  }

  /** A {@code >-} block: lines of one indentation (deeper than {@code n}) joined by spaces. */
  private JsonNode folded(int n) {
    StringBuilder b = new StringBuilder();
    int block = -1;
    while (at < lines.size()) {
      String line = lines.get(at);
      if (line.isBlank()) {
        int save = at;
        String next = nextLine();
        at = save;
        if (block < 0 || (next != null && indent(next) > n)) {
          throw unsupported("line " + (at + 1) + ": blank line in a block scalar");
        }
        at++;
        continue;
      }
      int i = indent(line);
      if (i <= n) {
        break;
      }
      if (block < 0) {
        block = i;
      } else if (i != block) {
        throw unsupported("line " + (at + 1) + ": uneven block scalar");
      }
      if (!line.equals(line.stripTrailing())) {
        throw unsupported("line " + (at + 1) + ": trailing space in a block scalar");
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(line, block, line.length());
      at++;
    }
    if (block < 0) {
      throw unsupported("empty block scalar");
    }
    return NODES.textNode(b.toString());
  }

  /** {@code {key: scalar, ...}} on one line. */
  private static ObjectNode flowMapping(String v) {
    if (!v.endsWith("}")) {
      throw unsupported("flow mapping over several lines");
    }
    String body = v.substring(1, v.length() - 1);
    for (char ch : new char[] {'{', '}', '[', ']', '\'', '"', '#', '&', '*', '!'}) {
      if (body.indexOf(ch) >= 0) {
        throw unsupported("flow mapping with '" + ch + "'");
      }
    }
    ObjectNode o = NODES.objectNode();
    for (String entry : body.split(",", -1)) {
      String e = entry.strip();
      int colon = e.indexOf(": ");
      if (colon <= 0 || e.indexOf(':', colon + 1) >= 0) {
        throw unsupported("flow mapping entry '" + e + "'");
      }
      String key = key(e.substring(0, colon));
      if (o.putIfAbsent(key, scalar(e.substring(colon + 2).strip())) != null) {
        throw unsupported("duplicate key " + key);
      }
    }
    return o;
  }

  /** A plain scalar, typed as YAML 1.1 (and so Jackson) types it, where that is certain. */
  static JsonNode scalar(String v) {
    if (v.isEmpty() || v.contains(": ") || v.endsWith(":")) {
      throw unsupported("scalar '" + v + "'");
    }
    char c = v.charAt(0);
    if (c == '-' && (v.length() == 1 || v.charAt(1) < '0' || v.charAt(1) > '9')) {
      throw unsupported("scalar '" + v + "'"); // "- a" is a nested sequence, "-x" no number
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int digits = c == '-' ? 1 : 0;
      int point = -1;
      for (int i = digits; i < v.length(); i++) {
        char d = v.charAt(i);
        if (d == '.' && point < 0) {
          point = i;
        } else if (d < '0' || d > '9') {
          return text(v);
        }
      }
      int first = c == '-' ? 1 : 0;
      boolean leadingZero = v.length() > first + 1 && v.charAt(first) == '0' && point != first + 1;
      if (v.length() == first || leadingZero || point == first || point == v.length() - 1) {
        throw unsupported("number '" + v + "'");
      }
      if (point >= 0) {
        return NODES.numberNode(Double.parseDouble(v));
      }
      long l;
      try {
        l = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw unsupported("integer '" + v + "'");
      }
      return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
    }
    if (Character.isLetter(c)) {
      if (WORDS.contains(v.toLowerCase(Locale.ROOT))) {
        switch (v) {
          case "true":
            return NODES.booleanNode(true);
          case "false":
            return NODES.booleanNode(false);
          case "null":
            return NODES.nullNode();
          default:
            throw unsupported("word '" + v + "'");
        }
      }
      return NODES.textNode(v);
    }
    throw unsupported("scalar '" + v + "'");
  }

  /**
   * A plain scalar that starts like a number but is not one: text when it holds a space (no YAML
   * 1.1 number, date or boolean does), else declined.
   */
  private static JsonNode text(String v) {
    if (v.indexOf(' ') < 0) {
      throw unsupported("scalar '" + v + "'");
    }
    return NODES.textNode(v);
  }
}
