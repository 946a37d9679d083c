package dev.hwplan.report;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Cell text of a Tablesaw table for the HTML, Markdown and CSV writers. */
final class TableCells {
  private TableCells() {}

  /** Whether a column holds numbers, which the writers right-align. */
  static boolean numeric(Column<?> c) {
    return c instanceof NumericColumn<?>;
  }

  /** The cell as the column's print formatter shows it; empty where the value is missing. */
  static String formatted(Column<?> c, int row) {
    return c.isMissing(row) ? "" : c.getString(row);
  }

  /** The cell's unformatted value for CSV; empty where the value is missing. */
  static String raw(Column<?> c, int row) {
    return c.isMissing(row) ? "" : c.getUnformattedString(row);
  }

  /** RFC 4180 CSV with a header row and {@code \n} line ends. */
  static String csv(Table t) {
    StringBuilder out = new StringBuilder();
    for (int j = 0; j < t.columnCount(); j++) {
      out.append(j == 0 ? "" : ",").append(csvField(t.column(j).name()));
    }
    out.append('\n');
    for (int i = 0; i < t.rowCount(); i++) {
      for (int j = 0; j < t.columnCount(); j++) {
        out.append(j == 0 ? "" : ",").append(csvField(raw(t.column(j), i)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
