package dev.hwplan.report;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;

/** A titled part of a report: text, tables and charts in the order they were added. */
public final class Section {
  private final String id;
  private final String title;
  private final List<Block> blocks;

  private Section(Builder b) {
    this.id = b.id;
    this.title = b.title;
    this.blocks = List.copyOf(b.blocks);
  }

  /**
   * Starts a section.
   *
   * @param id anchor in the HTML; lower-case letters, digits, '.', '_' and '-'
   * @param title heading
   */
  public static Builder builder(String id, String title) {
    return new Builder(id, title);
  }

  /** The anchor id. */
  public String id() {
    return id;
  }

  /** The heading. */
  public String title() {
    return title;
  }

  /** The blocks in insertion order. */
  public List<Block> blocks() {
    return blocks;
  }

  /** Builds a {@link Section}. */
  public static final class Builder {
    private final String id;
    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    private Builder(String id, String title) {
      this.id = Ids.require(id, "section");
      this.title = Ids.requireText(title, "section title");
    }

    /** A paragraph (or several, separated by blank lines) in the subset {@link TextBlock} reads. */
    public Builder text(String markdown) {
      blocks.add(new TextBlock(markdown));
      return this;
    }

    /** A table, written to {@code tables/<id>.csv} too. */
    public Builder table(String id, String caption, Table table) {
      blocks.add(new TableBlock(id, caption, table));
      return this;
    }

    /** A chart, written to {@code charts/<id>.png} and {@code charts/<id>.svg} too. */
    public Builder chart(ReportChart chart) {
      blocks.add(new ChartBlock(chart));
      return this;
    }

    /** The section. */
    public Section build() {
      return new Section(this);
    }
  }
}
