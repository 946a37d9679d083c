package dev.hwplan.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shrinks the SVG that VectorGraphics2D writes for an XChart chart, without a visible change.
 * XChart draws every label as glyph outlines, and VectorGraphics2D writes each outline point as an
 * absolute coordinate with up to ten decimals, so text dominates the file. This class:
 *
 * <ul>
 *   <li>rewrites each path's {@code d} attribute with relative commands ({@code m l q c z}, and
 *       {@code h v} for axis-parallel lines), with coordinates rounded to 1/100 pixel. Positions
 *       are rounded in absolute terms first and the deltas taken between rounded positions, so the
 *       rounding error does not accumulate along a path: every point stays within 0.005 px of where
 *       VectorGraphics2D put it (SVG 1.1, section 8.3, path data);
 *   <li>rounds every other decimal number with more than two decimals to two;
 *   <li>drops the indentation between tags.
 * </ul>
 *
 * The output is a pure function of the input, so reports stay byte-deterministic. Paths with
 * commands this class does not write itself (arcs, or relative commands already) are left as they
 * are.
 */
final class SvgMinifier {
  private static final Pattern PATH_DATA = Pattern.compile(" d=\"([^\"]*)\"");
  private static final Pattern LONG_DECIMAL = Pattern.compile("-?\\d+\\.\\d{3,}");
  private static final Pattern BETWEEN_TAGS = Pattern.compile(">\\s+<");
  private static final Pattern SAFE_PATH = Pattern.compile("[MLQCZ0-9eE.,+\\- ]*");

  private SvgMinifier() {}

  /** The minified SVG document. */
  static String minify(String svg) {
    Matcher m = PATH_DATA.matcher(svg);
    StringBuilder out = new StringBuilder(svg.length() / 3);
    while (m.find()) {
      String d = m.group(1);
      String small = SAFE_PATH.matcher(d).matches() ? path(d) : d;
      m.appendReplacement(out, Matcher.quoteReplacement(" d=\"" + small + "\""));
    }
    m.appendTail(out);
    Matcher n = LONG_DECIMAL.matcher(out);
    StringBuilder rounded = new StringBuilder(out.length());
    while (n.find()) {
      n.appendReplacement(rounded, number(hundredths(Double.parseDouble(n.group()))));
    }
    n.appendTail(rounded);
    return BETWEEN_TAGS.matcher(rounded).replaceAll("><");
  }

  /**
   * Path data made of absolute {@code M L Q C Z} commands, rewritten relative in hundredths of a
   * pixel.
   */
  static String path(String d) {
    String[] tokens = d.trim().split("[\\s,]+|(?=[MLQCZ])|(?<=[MLQCZ])");
    StringBuilder out = new StringBuilder(d.length() / 3);
    long x = 0;
    long y = 0;
    long startX = 0;
    long startY = 0;
    int i = 0;
    while (i < tokens.length) {
      String t = tokens[i++];
      if (t.isEmpty()) {
        continue;
      }
      char c = t.charAt(0);
      int args =
          switch (c) {
            case 'M', 'L' -> 2;
            case 'Q' -> 4;
            case 'C' -> 6;
            case 'Z' -> 0;
            default -> throw new IllegalArgumentException("unexpected path token '" + t + "'");
          };
      if (c == 'Z') {
        out.append('z');
        x = startX;
        y = startY;
        continue;
      }
      long[] v = new long[args];
      for (int k = 0; k < args; k++) {
        v[k] = hundredths(Double.parseDouble(tokens[i++]));
      }
      long endX = v[args - 2];
      long endY = v[args - 1];
      if (c == 'L' && endY == y && endX != x) {
        out.append('h').append(number(endX - x));
      } else if (c == 'L' && endX == x) {
        out.append('v').append(number(endY - y));
      } else {
        out.append(Character.toLowerCase(c));
        for (int k = 0; k < args; k++) {
          String s = number(v[k] - ((k & 1) == 0 ? x : y));
          if (k > 0 && s.charAt(0) != '-') {
            out.append(',');
          }
          out.append(s);
        }
      }
      x = endX;
      y = endY;
      if (c == 'M') {
        startX = endX;
        startY = endY;
      }
    }
    return out.toString();
  }

  static long hundredths(double v) {
    return Math.round(v * 100.0);
  }

  /** {@code h} hundredths as the shortest decimal: 150 to "1.5", -5 to "-.05", 0 to "0". */
  static String number(long h) {
    long a = Math.abs(h);
    long whole = a / 100;
    long frac = a % 100;
    StringBuilder s = new StringBuilder(8);
    if (h < 0) {
      s.append('-');
    }
    if (frac == 0) {
      return s.append(whole).toString();
    }
    if (whole != 0) {
      s.append(whole);
    }
    s.append('.');
    if (frac % 10 == 0) {
      s.append(frac / 10);
    } else {
      s.append(frac < 10 ? "0" : "").append(frac);
    }
    return s.toString();
  }
}
