package dev.hwplan.report;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Map.Entry;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The self-contained {@code index.html}: CSS inline, every chart embedded as an SVG data URI (an
 * {@code <img>}, so that the ids inside one chart's SVG cannot clash with another's), no scripts
 * and nothing fetched. Narrow screens get one column with tables scrolling inside their own box,
 * the first column kept in view; print hides the contents list's link colours and keeps figures and
 * table rows whole on a page.
 *
 * <p>Tables fit a 1280-pixel screen and an A4 page without clipping their last (answer) columns:
 * headers break between the words of a camelCase name ({@code <wbr>}), short one-word cells (ids
 * such as {@code llama-3.1-70b}) do not break at their hyphens, and print uses a smaller type for
 * tables. The browser test checks that no table is wider than its box at 1280 pixels.
 */
final class HtmlReport {
  private HtmlReport() {}

  private static final String CSS =
      """
      :root { --fg: #1a1a1a; --muted: #555; --rule: #d0d0d0; --band: #f4f4f4; --link: #0b57a4; }
      * { box-sizing: border-box; }
      html { -webkit-text-size-adjust: 100%; }
      body { margin: 0 auto; max-width: 1000px; padding: 1.5rem 1rem 3rem; color: var(--fg);
        font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
        sans-serif; }
      h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 .25rem; }
      h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
        border-bottom: 1px solid var(--rule); }
      .subtitle { color: var(--muted); margin: 0 0 1rem; font-size: 1.1rem; }
      a { color: var(--link); }
      code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em;
        background: var(--band); padding: 0 .2em; border-radius: 3px; }
      dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
        margin: 0 0 1.2rem; color: var(--muted); font-size: .9rem; }
      dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
      nav.toc { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem 1rem;
        margin: 0 0 1.5rem; }
      nav.toc h2 { font-size: 1rem; margin: 0; border: 0; padding: 0; }
      nav.toc ol { margin: .3rem 0 0; padding-left: 1.4rem; }
      .table-wrap { overflow-x: auto; margin: 1rem 0; }
      table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
      caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 .3rem; }
      th, td { padding: .25rem .45rem; border-bottom: 1px solid var(--rule); text-align: left;
        vertical-align: top; }
      th { border-bottom: 2px solid var(--fg); vertical-align: bottom; }
      th:first-child, td:first-child { position: sticky; left: 0; background: #fff; }
      tbody tr:nth-child(even) { background: var(--band); }
      tbody tr:nth-child(even) td:first-child { background: var(--band); }
      th.num, td.num { text-align: right; }
      td.num, td.word { white-space: nowrap; }
      .files { font-size: .8rem; color: var(--muted); margin: -.6rem 0 1rem; }
      figure.chart { margin: 1.2rem 0; }
      figure.chart img { display: block; max-width: 100%; height: auto; border: 1px solid
        var(--rule); }
      figcaption { font-size: .9rem; color: var(--muted); margin-top: .3rem; }
      @media (max-width: 600px) {
        body { padding: 1rem .6rem 2rem; font-size: 15px; }
        h1 { font-size: 1.45rem; }
        dl.meta { grid-template-columns: 1fr; } dl.meta dd { margin-bottom: .3rem; }
      }
      @media print {
        @page { margin: 15mm; }
        body { max-width: none; padding: 0; font-size: 11pt; }
        a { color: inherit; text-decoration: none; }
        nav.toc { break-after: page; }
        .files { display: none; }
        h2 { break-after: avoid; }
        figure.chart, tr { break-inside: avoid; }
        figure.chart img { border: 0; }
        .table-wrap { overflow: visible; }
        table { font-size: 8pt; }
        th, td { padding: .1rem .3rem; }
        th:first-child, td:first-child { position: static; }
        tbody tr:nth-child(even), tbody tr:nth-child(even) td:first-child { background: none; }
      }
      """;

  static String render(Report report, Map<String, byte[]> svgByChartId) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.append("<title>").append(Html.escape(report.title())).append("</title>\n");
    h.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<header>\n");
    h.append("<h1>").append(Html.escape(report.title())).append("</h1>\n");
    if (!report.subtitle().isBlank()) {
      h.append("<p class=\"subtitle\">").append(Html.escape(report.subtitle())).append("</p>\n");
    }
    if (!report.meta().isEmpty()) {
      h.append("<dl class=\"meta\">\n");
      for (Entry<String, String> e : report.meta().entrySet()) {
        h.append("<dt>").append(Html.escape(e.getKey())).append("</dt><dd>");
        h.append(Html.escape(e.getValue())).append("</dd>\n");
      }
      h.append("</dl>\n");
    }
    h.append("</header>\n");
    if (!report.sections().isEmpty()) {
      h.append("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
      for (Section s : report.sections()) {
        h.append("<li><a href=\"#").append(s.id()).append("\">");
        h.append(Html.escape(s.title())).append("</a></li>\n");
      }
      h.append("</ol>\n</nav>\n");
    }
    h.append("<main>\n");
    for (Section s : report.sections()) {
      h.append("<section id=\"").append(s.id()).append("\">\n<h2>");
      h.append(Html.escape(s.title())).append("</h2>\n");
      for (Block b : s.blocks()) {
        if (b instanceof TextBlock t) {
          h.append(MarkdownText.toHtml(t.markdown()));
        } else if (b instanceof TableBlock t) {
          table(h, t);
        } else if (b instanceof ChartBlock c) {
          chart(h, c.chart(), svgByChartId.get(c.chart().id()));
        }
      }
      h.append("</section>\n");
    }
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void table(StringBuilder h, TableBlock block) {
    Table t = block.table();
    h.append("<div class=\"table-wrap\">\n<table id=\"table-").append(block.id()).append("\">\n");
    h.append("<caption>").append(Html.escape(block.caption())).append("</caption>\n");
    h.append("<thead><tr>");
    for (Column<?> c : t.columns()) {
      h.append(TableCells.numeric(c) ? "<th class=\"num\" scope=\"col\">" : "<th scope=\"col\">");
      h.append(header(c.name())).append("</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (int i = 0; i < t.rowCount(); i++) {
      h.append("<tr>");
      for (Column<?> c : t.columns()) {
        String text = TableCells.formatted(c, i);
        h.append(
            TableCells.numeric(c)
                ? "<td class=\"num\">"
                : word(text) ? "<td class=\"word\">" : "<td>");
        h.append(Html.escape(text)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n</div>\n");
    h.append("<p class=\"files\"><a href=\"tables/").append(block.id()).append(".csv\">");
    h.append(block.id()).append(".csv</a></p>\n");
  }

  /**
   * A column name with a line-break opportunity ({@code <wbr>}) between the words of a camelCase
   * name: before a capital that follows a small letter or digit ({@code kv|Budget}), or that starts
   * a word after an acronym ({@code GiB|Per}), but never leaving a piece of a word shorter than
   * three letters ({@code GiB} stays whole).
   */
  static String header(String name) {
    StringBuilder out = new StringBuilder(name.length() + 16);
    int last = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (i > 0 && Character.isUpperCase(c) && i - last >= 3) {
        char prev = name.charAt(i - 1);
        boolean camel = Character.isLowerCase(prev) || Character.isDigit(prev);
        boolean afterAcronym =
            Character.isUpperCase(prev)
                && i + 1 < name.length()
                && Character.isLowerCase(name.charAt(i + 1));
        if (camel || afterAcronym) {
          out.append("<wbr>");
          last = i;
        }
      }
      if (!Character.isLetterOrDigit(c)) {
        last = i + 1; // a new word starts after a space or a sign
      }
      out.append(Html.escape(String.valueOf(c)));
    }
    return out.toString();
  }

  /** A short cell of one word (an id such as {@code h100-sxm}), kept on one line. */
  private static boolean word(String text) {
    return !text.isEmpty()
        && text.length() <= 24
        && text.chars().noneMatch(Character::isWhitespace);
  }

  private static void chart(StringBuilder h, ReportChart c, byte[] svg) {
    String data = Base64.getEncoder().encodeToString(svg);
    h.append("<figure class=\"chart\" id=\"chart-").append(c.id()).append("\">\n");
    h.append("<img src=\"data:image/svg+xml;base64,").append(data).append("\" width=\"");
    h.append(c.width()).append("\" height=\"").append(c.height()).append("\" alt=\"");
    h.append(Html.escape(c.title())).append("\">\n<figcaption>");
    h.append(Html.escape(c.title())).append("</figcaption>\n</figure>\n");
    h.append("<p class=\"files\"><a href=\"charts/").append(c.id()).append(".png\">PNG</a> · ");
    h.append("<a href=\"charts/").append(c.id()).append(".svg\">SVG</a></p>\n");
  }

  static byte[] bytes(String html) {
    return html.getBytes(StandardCharsets.UTF_8);
  }
}
