package dev.hwplan.report;

import java.util.Map.Entry;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** {@code report.md}: the text as written, tables as pipe tables, charts as linked PNGs. */
final class MarkdownReport {
  private MarkdownReport() {}

  static String render(Report report) {
    StringBuilder m = new StringBuilder(16 * 1024);
    m.append("# ").append(oneLine(report.title())).append("\n\n");
    if (!report.subtitle().isBlank()) {
      m.append("_").append(oneLine(report.subtitle())).append("_\n\n");
    }
    for (Entry<String, String> e : report.meta().entrySet()) {
      m.append("- **").append(oneLine(e.getKey())).append("**: ");
      m.append(oneLine(e.getValue())).append('\n');
    }
    if (!report.meta().isEmpty()) {
      m.append('\n');
    }
    if (!report.sections().isEmpty()) {
      m.append("## Contents\n\n");
      int n = 1;
      for (Section s : report.sections()) {
        m.append(n++).append(". [").append(oneLine(s.title())).append("](#");
        m.append(s.id()).append(")\n");
      }
      m.append('\n');
    }
    for (Section s : report.sections()) {
      m.append("<a id=\"").append(s.id()).append("\"></a>\n\n");
      m.append("## ").append(oneLine(s.title())).append("\n\n");
      for (Block b : s.blocks()) {
        if (b instanceof TextBlock t) {
          m.append(t.markdown().strip()).append("\n\n");
        } else if (b instanceof TableBlock t) {
          table(m, t);
        } else if (b instanceof ChartBlock c) {
          ReportChart chart = c.chart();
          m.append("![").append(alt(chart.title())).append("](charts/");
          m.append(chart.id()).append(".png)\n\n");
          m.append("_").append(oneLine(chart.title())).append("_ ([SVG](charts/");
          m.append(chart.id()).append(".svg))\n\n");
        }
      }
    }
    return m.toString();
  }

  private static void table(StringBuilder m, TableBlock block) {
    Table t = block.table();
    m.append("**").append(oneLine(block.caption())).append("** ([CSV](tables/");
    m.append(block.id()).append(".csv))\n\n|");
    for (Column<?> c : t.columns()) {
      m.append(' ').append(cell(c.name())).append(" |");
    }
    m.append("\n|");
    for (Column<?> c : t.columns()) {
      m.append(TableCells.numeric(c) ? " ---: |" : " --- |");
    }
    m.append('\n');
    for (int i = 0; i < t.rowCount(); i++) {
      m.append('|');
      for (Column<?> c : t.columns()) {
        m.append(' ').append(cell(TableCells.formatted(c, i))).append(" |");
      }
      m.append('\n');
    }
    m.append('\n');
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  private static String cell(String s) {
    return oneLine(s).replace("\\", "\\\\").replace("|", "\\|");
  }

  private static String alt(String s) {
    return oneLine(s).replace("[", "(").replace("]", ")");
  }
}
