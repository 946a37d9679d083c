package dev.hwplan.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The Markdown subset of {@link TextBlock}, rendered to HTML: paragraphs separated by blank lines,
 * bullet lists ({@code - } or {@code * } at the start of a line; indented lines continue an item),
 * {@code **bold**} and {@code `code`}. Everything else is escaped and shown as written.
 */
final class MarkdownText {
  private MarkdownText() {}

  static String toHtml(String markdown) {
    StringBuilder out = new StringBuilder();
    List<String> paragraph = new ArrayList<>();
    List<StringBuilder> items = new ArrayList<>();
    for (String raw : markdown.replace("\r\n", "\n").split("\n", -1)) {
      String line = raw.strip();
      boolean bullet = line.startsWith("- ") || line.startsWith("* ");
      if (line.isEmpty()) {
        flush(out, paragraph, items);
      } else if (bullet) {
        flushParagraph(out, paragraph);
        items.add(new StringBuilder(line.substring(2).strip()));
      } else if (!items.isEmpty() && Character.isWhitespace(raw.charAt(0))) {
        items.get(items.size() - 1).append(' ').append(line);
      } else {
        flushList(out, items);
        paragraph.add(line);
      }
    }
    flush(out, paragraph, items);
    return out.toString();
  }

  private static void flush(StringBuilder out, List<String> paragraph, List<StringBuilder> items) {
    flushParagraph(out, paragraph);
    flushList(out, items);
  }

  private static void flushParagraph(StringBuilder out, List<String> paragraph) {
    if (!paragraph.isEmpty()) {
      out.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
      paragraph.clear();
    }
  }

  private static void flushList(StringBuilder out, List<StringBuilder> items) {
    if (!items.isEmpty()) {
      out.append("<ul>\n");
      for (StringBuilder item : items) {
        out.append("<li>").append(inline(item.toString())).append("</li>\n");
      }
      out.append("</ul>\n");
      items.clear();
    }
  }

  /** Escapes {@code text} and turns {@code `code`} and {@code **bold**} into elements. */
  static String inline(String text) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    boolean bold = false;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '`') {
        int end = text.indexOf('`', i + 1);
        if (end > i) {
          out.append("<code>").append(Html.escape(text.substring(i + 1, end))).append("</code>");
          i = end + 1;
          continue;
        }
      }
      if (c == '*' && text.startsWith("**", i) && (bold || text.indexOf("**", i + 2) > i + 2)) {
        out.append(bold ? "</strong>" : "<strong>");
        bold = !bold;
        i += 2;
        continue;
      }
      out.append(Html.escape(String.valueOf(c)));
      i++;
    }
    if (bold) {
      out.append("</strong>");
    }
    return out.toString();
  }
}
