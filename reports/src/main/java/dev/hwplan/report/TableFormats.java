package dev.hwplan.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Print formatters for numeric columns that do not depend on the JVM's default locale (Tablesaw's
 * own {@code fixedWithGrouping} does), so that reports read the same on every machine: ',' groups
 * thousands and '.' marks decimals. Set with {@code column.setPrintFormatter(...)}; CSV files
 * always hold the unformatted values.
 */
public final class TableFormats {
  private TableFormats() {}

  /** {@code decimals} digits after the point, thousands grouped: 12,345.68. */
  public static NumberColumnFormatter fixed(int decimals) {
    if (decimals < 0 || decimals > 12) {
      throw new IllegalArgumentException("decimals must be 0 to 12, got " + decimals);
    }
    DecimalFormat f =
        new DecimalFormat(
            decimals == 0 ? "#,##0" : "#,##0." + "0".repeat(decimals),
            DecimalFormatSymbols.getInstance(Locale.ROOT));
    return new NumberColumnFormatter(f, "");
  }

  /** Whole numbers, thousands grouped: 327,680. */
  public static NumberColumnFormatter grouped() {
    return fixed(0);
  }

  /** Three significant digits in scientific notation: 1.23e22. */
  public static NumberColumnFormatter scientific() {
    DecimalFormat f = new DecimalFormat("0.00E0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    return new NumberColumnFormatter(f, "");
  }
}
