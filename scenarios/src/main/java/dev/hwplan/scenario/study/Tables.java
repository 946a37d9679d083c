package dev.hwplan.scenario.study;

import dev.hwplan.report.TableFormats;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A table built a row at a time, with typed columns declared up front. */
final class Tables {
  private final String name;
  private final List<Column<?>> columns = new ArrayList<>();
  private final java.util.Set<String> tenths = new java.util.HashSet<>();

  Tables(String name) {
    this.name = name;
  }

  /**
   * A table whose rows are deployments: the model, the GPU, TP, PP and the weights' dtype, then the
   * caller's columns.
   */
  static Tables deployment(String name) {
    return new Tables(name).text("model").text("gpu").whole("tp").whole("pp").text("weights");
  }

  Tables text(String column) {
    columns.add(StringColumn.create(column));
    return this;
  }

  Tables whole(String column) {
    columns.add(LongColumn.create(column));
    return this;
  }

  Tables real(String column) {
    columns.add(DoubleColumn.create(column));
    return this;
  }

  /** A real column shown to one decimal (percentages rounded to 0.1 point), whatever its range. */
  Tables percent(String column) {
    tenths.add(column);
    return real(column);
  }

  /** Appends one row; values in column order (String, Long/Integer, Double). */
  Tables row(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          values.length + " values for " + columns.size() + " columns");
    }
    for (int i = 0; i < values.length; i++) {
      Column<?> c = columns.get(i);
      Object v = values[i];
      if (c instanceof StringColumn s) {
        s.append(String.valueOf(v));
      } else if (c instanceof LongColumn l) {
        l.append(((Number) v).longValue());
      } else {
        ((DoubleColumn) c).append(((Number) v).doubleValue());
      }
    }
    return this;
  }

  /**
   * Appends a row of which only the first columns are known: {@code leading} in column order, then
   * NaN in every column after them (which must all be real).
   */
  Tables partialRow(Object... leading) {
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      if (i < leading.length) {
        values[i] = leading[i];
      } else if (columns.get(i) instanceof DoubleColumn) {
        values[i] = Double.NaN;
      } else {
        throw new IllegalArgumentException(
            "column " + columns.get(i).name() + " is not real; give its value");
      }
    }
    return row(values);
  }

  /**
   * The table, with number formats chosen from the values (but {@link #percent} columns to one
   * decimal): whole numbers grouped (327,680), values spanning more than a thousand-fold or above a
   * million in scientific notation (1.23e22), the rest to three decimals. CSV files keep full
   * precision; the formats are for reading.
   */
  Table build() {
    for (Column<?> c : columns) {
      if (c instanceof LongColumn l) {
        l.setPrintFormatter(TableFormats.grouped());
      } else if (c instanceof DoubleColumn d && tenths.contains(d.name())) {
        d.setPrintFormatter(TableFormats.fixed(1));
      } else if (c instanceof DoubleColumn d) {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : d.asDoubleArray()) {
          if (Double.isFinite(v) && v != 0) {
            max = Math.max(max, Math.abs(v));
            min = Math.min(min, Math.abs(v));
          }
        }
        d.setPrintFormatter(
            max >= 1e6 || (max > 0 && min < 1e-3)
                ? TableFormats.scientific()
                : TableFormats.fixed(max >= 100 ? 1 : 3));
      }
    }
    return Table.create(name, columns.toArray(Column[]::new));
  }
}
