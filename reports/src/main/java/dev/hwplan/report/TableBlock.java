package dev.hwplan.report;

import tech.tablesaw.api.Table;

/**
 * A table, written as an HTML and a Markdown table and as {@code tables/<id>.csv}. The HTML and
 * Markdown cells use each column's print formatter ({@code Column.getString}); the CSV holds the
 * unformatted values. Numeric columns are right-aligned.
 *
 * @param id file name stem and anchor, unique within the report
 * @param caption one line shown above the table
 * @param table the data; the report keeps a copy, so later changes to it do not leak in
 */
public record TableBlock(String id, String caption, Table table) implements Block {
  public TableBlock {
    Ids.require(id, "table");
    Ids.requireText(caption, "table caption");
    if (table == null) {
      throw new IllegalArgumentException("table " + id + " is null");
    }
    table = table.copy();
  }

  /** A copy of the table, so that the report stays unchanged. */
  @Override
  public Table table() {
    return table.copy();
  }
}
